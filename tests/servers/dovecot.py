"""A real Dovecot (IMAP + LMTP) for tests and benchmarks, started in a temp dir on free ports.

Use it as a pytest plugin (registered in the root ``conftest.py``)::

    def test_something(dovecot, imap_user):
        dovecot.deliver(imap_user, raw_bytes)          # LMTP → the user's INBOX
        with dovecot.imap(imap_user) as client: ...    # a logged-in IMAPClient

API of :class:`Dovecot`: ``host``, ``imap_port``, ``lmtp_port``, ``add_user()`` → ``DovecotUser``
(``address``, ``password``, ``home``), ``deliver(user, raw)`` over LMTP, ``imap(user)``,
``maildir(user)``, ``issue_token(user)`` (an OAuth2 access token Dovecot accepts with XOAUTH2:
its oauth2 passdb asks a small introspection server run here), ``log()``, ``stop()``.
Dovecot is started with ``</dev/null >file 2>&1`` so it never holds a caller's pipe open.

Dovecot is required: when ``/usr/sbin/dovecot`` is missing the fixture fails loudly (no skip).
The class works outside pytest too (``benchmarks/intake_imap.py``).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import smtplib
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

DOVECOT = os.environ.get("VENTANILLA_TEST_DOVECOT", "/usr/sbin/dovecot")
DOMAIN = "imap.test"
# Mail is owned by this uid; it need not exist, it must be >= first_valid_uid.
MAIL_UID = 5000
# Dovecot re-reads a changed passwd-file at most once a second, so a user appended just now
# may be unknown for up to a second. ``add_user()`` therefore hands out users written before
# start; only named users (or other passwords) are appended, and then we wait until known.
POOL_SIZE = 2000
POOL_PASSWORD = "secret"

_CONFIG = """\
base_dir = {d}/run
state_dir = {d}/run/state
log_path = {d}/dovecot.log
instance_name = ventanilla-test-{tag}
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:~/Maildir
first_valid_uid = 1000
mail_fsync = never
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {d}/oauth2.conf.ext
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


_OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = http://127.0.0.1:{port}/introspect
username_attribute = username
active_attribute = active
active_value = true
"""


class _TokenServer(ThreadingHTTPServer):
    """An OAuth2 token-introspection endpoint (RFC 7662) for Dovecot's oauth2 passdb."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _IntrospectionHandler)
        self.tokens: dict[str, str] = {}  # access token -> address
        self.requests: list[str] = []  # tokens Dovecot asked about


class _IntrospectionHandler(BaseHTTPRequestHandler):
    server: _TokenServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        token = parse_qs(self.rfile.read(length).decode()).get("token", [""])[0]
        self.server.requests.append(token)
        address = self.server.tokens.get(token)
        answer = {"active": True, "username": address} if address else {"active": False}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def free_port() -> int:
    """Return a loopback port that was free a moment ago (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@dataclass(frozen=True)
class DovecotUser:
    """One mail account on the test Dovecot."""

    address: str
    password: str
    home: Path


class Dovecot:
    """A private Dovecot instance; ``start()`` it, ``stop()`` it (or use it as a context)."""

    host = "127.0.0.1"

    def __init__(self, base_dir: Path | None = None) -> None:
        # Not under pytest's tmp_path: /tmp/pytest-of-root is 0700 and mail runs as MAIL_UID.
        self.base_dir = base_dir or Path(tempfile.mkdtemp(prefix="vt-dovecot-"))
        self.base_dir.chmod(0o755)
        self.imap_port = 0
        self.lmtp_port = 0
        self._pool = itertools.count(1)
        self._started = False
        self.token_server: _TokenServer | None = None

    @property
    def config_path(self) -> Path:
        """The dovecot.conf of this instance."""
        return self.base_dir / "dovecot.conf"

    def start(self) -> Dovecot:
        """Write the configuration and start Dovecot; raise when it does not come up."""
        if not Path(DOVECOT).exists():
            raise RuntimeError(
                f"Dovecot not installed at {DOVECOT} (apt-get install dovecot-imapd dovecot-lmtpd)"
            )
        d = self.base_dir
        (d / "run").mkdir(exist_ok=True)
        (d / "mail").mkdir(exist_ok=True)
        (d / "mail").chmod(0o1777)
        self.token_server = _TokenServer()
        threading.Thread(target=self.token_server.serve_forever, daemon=True).start()
        (d / "oauth2.conf.ext").write_text(
            _OAUTH2_CONFIG.format(port=self.token_server.server_address[1])
        )
        (d / "users").write_text(
            "".join(self._line(f"p{n}", POOL_PASSWORD) for n in range(1, POOL_SIZE + 1))
        )
        for _attempt in range(5):
            # A port picked free may be taken before Dovecot binds it (xdist): retry.
            self.imap_port, self.lmtp_port = free_port(), free_port()
            self.config_path.write_text(
                _CONFIG.format(d=d, tag=d.name, imap_port=self.imap_port, lmtp_port=self.lmtp_port)
            )
            with open(d / "start.out", "wb") as out:
                code = subprocess.call(
                    [DOVECOT, "-c", str(self.config_path)],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            if code == 0 and _wait_for_port(self.imap_port) and _wait_for_port(self.lmtp_port):
                self._started = True
                return self
            self.stop()
        raise RuntimeError(f"Dovecot did not start: {(d / 'start.out').read_text()}\n{self.log()}")

    def stop(self) -> None:
        """Stop the instance (its master and all children)."""
        subprocess.call(
            [DOVECOT, "-c", str(self.config_path), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._started = False

    def cleanup(self) -> None:
        """Stop and remove every file of the instance."""
        self.stop()
        if self.token_server is not None:
            self.token_server.shutdown()
            self.token_server.server_close()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def log(self) -> str:
        """Return Dovecot's log so far (for assertion messages)."""
        path = self.base_dir / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _line(self, local: str, password: str) -> str:
        home = self.base_dir / "mail" / local
        return f"{local}@{DOMAIN}:{{PLAIN}}{password}:{MAIL_UID}:{MAIL_UID}::{home}\n"

    def add_user(self, local: str | None = None, password: str = POOL_PASSWORD) -> DovecotUser:
        """Return a fresh mail account (``local@imap.test``); its Maildir appears on first use.

        Without arguments it is instant (a pre-written user); a chosen ``local`` part or
        password is appended to the passwd-file, and we wait until Dovecot knows it (≤ ~1 s).
        """
        if local is None and password == POOL_PASSWORD:
            local = f"p{next(self._pool)}"
            if int(local[1:]) > POOL_SIZE:
                raise RuntimeError(f"more than {POOL_SIZE} pooled users: raise POOL_SIZE")
        else:
            local = local or f"u-{uuid.uuid4().hex[:12]}"
            with open(self.base_dir / "users", "a") as users:
                users.write(self._line(local, password))
            self._wait_known(f"{local}@{DOMAIN}", password)
        home = self.base_dir / "mail" / local
        return DovecotUser(address=f"{local}@{DOMAIN}", password=password, home=home)

    def _wait_known(self, address: str, password: str, timeout: float = 5.0) -> None:
        import imaplib

        deadline = time.monotonic() + timeout
        while True:
            with imaplib.IMAP4(self.host, self.imap_port, timeout=10) as client:
                try:
                    client.login(address, password)
                    return
                except imaplib.IMAP4.error:
                    if time.monotonic() > deadline:
                        raise
            time.sleep(0.1)

    def issue_token(self, user: DovecotUser) -> str:
        """Return a new OAuth2 access token Dovecot accepts for ``user`` (XOAUTH2/OAUTHBEARER)."""
        assert self.token_server is not None, "start() first"
        token = f"ya29.{uuid.uuid4().hex}"
        self.token_server.tokens[token] = user.address
        return token

    def deliver(
        self, user: DovecotUser | str, raw: bytes, *, sender: str = "sender@example.org"
    ) -> None:
        """Deliver ``raw`` to the user's INBOX over LMTP (RFC 2033); raise on any refusal."""
        address = user.address if isinstance(user, DovecotUser) else user
        with smtplib.LMTP(self.host, self.lmtp_port, timeout=30) as lmtp:
            refused = lmtp.sendmail(sender, [address], raw)
        if refused:
            raise RuntimeError(f"LMTP refused {refused}")

    def imap(self, user: DovecotUser, *, folder: str | None = "INBOX"):
        """Return a logged-in ``IMAPClient`` (a context manager), ``folder`` selected if given."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
        client.login(user.address, user.password)
        if folder:
            client.select_folder(folder)
        return client

    def maildir(self, user: DovecotUser) -> Path:
        """The user's Maildir on disk (for writing messages directly, e.g. in benchmarks)."""
        return user.home / "Maildir"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One Dovecot per test session (per xdist worker), on free loopback ports."""
    server = Dovecot().start()
    yield server
    server.cleanup()


@pytest.fixture
def imap_user(dovecot: Dovecot) -> DovecotUser:
    """A fresh, empty mail account for this test."""
    return dovecot.add_user()
