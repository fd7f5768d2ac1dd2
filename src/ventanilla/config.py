"""Environment-derived configuration, read once at start-up (not deep in the code)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


def env(name: str, default: str = "") -> str:
    """Return the environment variable ``name`` or ``default``."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return a boolean environment variable (1/true/yes/on)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def home_path() -> Path:
    """Return the data directory's path (``VENTANILLA_HOME``, default ``./var``), absolute."""
    return Path(env("VENTANILLA_HOME", "var")).resolve()


def home() -> Path:
    """Return the data directory, created if missing.

    Only ``run``, ``migrate`` and ``demo`` reach this with a missing directory: the console
    script refuses every other command first (``cli.py``), so a mistyped path cannot become
    a new, empty installation.
    """
    path = home_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(data_dir: Path) -> str:
    """Return ``VENTANILLA_SECRET_KEY`` or a key generated once and kept in the data directory.

    The key signs our Message-IDs, so it must survive restarts; it never lives in the repo.
    """
    value = env("VENTANILLA_SECRET_KEY")
    if value:
        return value
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_from_url(url: str) -> dict[str, Any]:
    """Translate ``sqlite:///path`` or ``postgres://user:pw@host:port/name`` to a Django DB dict."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path[1:] if parsed.path.startswith("//") else parsed.path),
            # IMMEDIATE: writers take the lock up front, so concurrent writers wait (busy
            # timeout) instead of failing on lock upgrade. WAL lets readers run alongside.
            # synchronous=FULL: a committed message survives power loss before we answer 250.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
            "TEST": {"NAME": unquote(parsed.path) + ".test" if parsed.path else None},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    msg = f"Unsupported VENTANILLA_DATABASE_URL scheme: {parsed.scheme!r}"
    raise ValueError(msg)


def proxy_ssl_header(raw: str) -> tuple[str, str] | None:
    """Translate ``"X-Forwarded-Proto: https"`` to Django's ``SECURE_PROXY_SSL_HEADER``.

    Empty means "no proxy": the request is secure only if it reached us over TLS. Set it
    only when a proxy in front always sets (or strips) that header, or clients could forge it.
    """
    if not raw.strip():
        return None
    name, sep, value = raw.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value or not all(c.isalnum() or c == "-" for c in name):
        msg = f"VENTANILLA_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https': {raw!r}"
        raise ValueError(msg)
    return "HTTP_" + name.upper().replace("-", "_"), value


@dataclass(frozen=True)
class Relay:
    """The outgoing SMTP relay; ``host`` empty means "deliver into the local outbox folder"."""

    host: str
    port: int
    user: str
    password: str
    starttls: bool
    timeout: float


def relay_from_env() -> Relay:
    """Read the outgoing relay from ``VENTANILLA_SMTP_*``."""
    return Relay(
        host=env("VENTANILLA_SMTP_HOST"),
        port=int(env("VENTANILLA_SMTP_PORT", "25")),
        user=env("VENTANILLA_SMTP_USER"),
        password=env("VENTANILLA_SMTP_PASSWORD"),
        starttls=env_bool("VENTANILLA_SMTP_STARTTLS"),
        timeout=float(env("VENTANILLA_SMTP_TIMEOUT", "30")),
    )
