"""Helpers for tests that start ``ventanilla`` processes on this test's database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

VENTANILLA = str(Path(sys.executable).with_name("ventanilla"))


def child_database_url() -> str:
    """Return the URL of the database this test runs on, for a child process."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    """Return a TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], log: Path, **env: str) -> subprocess.Popen[bytes]:
    """Start ``ventanilla ARGS`` with only ``env`` of our VENTANILLA_/DJANGO_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    clean.update(
        VENTANILLA_DATABASE_URL=child_database_url(),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
        **env,
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            [VENTANILLA, *args], env=clean, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )


def wait_until_running(process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    """Wait for ``ventanilla run``'s banner; fail with its log if it exits or times out."""
    deadline = time.monotonic() + timeout
    while "Ventanilla is running." not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
