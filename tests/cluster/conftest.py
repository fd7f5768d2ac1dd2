"""Fixtures of the cluster test: a scratch PostgreSQL database and three hosts running on it."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cluster.network import Host, Network, cluster_network, process_tree
from tests.servers.dovecot import Dovecot, DovecotUser

ROOT = Path(__file__).resolve().parents[2]
SMTP_PORT = 2525
PG_PORT = 5432
IMAP_PORT = 1143
IMAP_MAILS = 20
MAILBOX = "soporte@empresa.es"


def postgres_url() -> str:
    """The suite's PostgreSQL URL; the cluster runs on PostgreSQL only."""
    return os.environ.get("VENTANILLA_DATABASE_URL", "")


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", "ventanilla.cli", *args]


@dataclass
class ClusterDatabase:
    """A migrated scratch database: its URL from here and its name."""

    url: str
    name: str
    env: dict[str, str]

    def sql(self, query: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Rows of ``query``."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()  # type: ignore[arg-type]


@pytest.fixture
def cluster_database(tmp_path: Path) -> Iterator[ClusterDatabase]:
    """A scratch database on the suite's PostgreSQL server, migrated, with one mailbox."""
    import psycopg
    from psycopg import sql

    parsed = urllib.parse.urlparse(postgres_url())
    name = f"ventanilla_cluster_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = parsed._replace(path=f"/{name}").geturl()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "ventanilla.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "VENTANILLA_LOG_LEVEL": "WARNING",
        "VENTANILLA_QUEUE": "postgres",
        # One key for the whole cluster (README): a signed Message-ID from one host is
        # recognised on another.
        "VENTANILLA_SECRET_KEY": secrets.token_urlsafe(50),
    }
    home = tmp_path / "admin"
    home.mkdir()
    setup = {**env, "VENTANILLA_HOME": str(home), "VENTANILLA_DATABASE_URL": url}
    create = (
        "from ventanilla.mail.services import mailbox_create; "
        f"mailbox_create(name='Soporte', address='{MAILBOX}', prefix='SOP')"
    )
    for argv in (_python("migrate", "--noinput", "-v0"), _python("shell", "-c", create)):
        done = subprocess.run(argv, cwd=ROOT, env=setup, capture_output=True, check=False)
        if done.returncode:
            pytest.fail(f"{argv[3:]} failed:\n{done.stderr.decode()[-3000:]}")
    try:
        yield ClusterDatabase(url, name, env)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@dataclass
class RunningHost:
    """One host's ``ventanilla run --role intake,worker`` and its data directory."""

    host: Host
    home: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    starts: list[float] = field(default_factory=list)

    def start(self) -> None:
        """Start the host's process tree inside its namespace."""
        log = (self.home / "run.log").open("ab")
        argv = _python(
            "run",
            "--role",
            "intake,worker",
            "--no-migrate",
            "--no-demo",
            "--smtp",
            f"{self.host.address}:{SMTP_PORT}",
        )
        self.process = subprocess.Popen(
            self.host.argv(*argv),
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.starts.append(time.monotonic())

    def wait_listening(self, timeout: float = 90.0) -> None:
        """Wait until the host's SMTP listener answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(
                    f"{self.host.name} exited: {(self.home / 'run.log').read_text()[-3000:]}"
                )
            try:
                with socket.create_connection((self.host.address, SMTP_PORT), 1):
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(
            f"{self.host.name} does not listen: {(self.home / 'run.log').read_text()[-3000:]}"
        )

    def kill(self) -> None:
        """SIGKILL the host's whole process tree, as a power cut would stop it."""
        assert self.process is not None
        for pid in process_tree(self.process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        self.process.wait()

    def stop(self) -> None:
        """Stop politely (SIGTERM to ``run``, which stops its children), else kill."""
        if self.process is None or self.process.poll() is not None:
            return
        tree = process_tree(self.process.pid)
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        self.process.wait()


@pytest.fixture
def cluster(
    cluster_database: ClusterDatabase, tmp_path: Path, dovecot: Dovecot, imap_user: DovecotUser
) -> Iterator[list[RunningHost]]:
    """Three hosts on their own network, each running intake + worker on the database.

    They share an IMAP account too (the test Dovecot, forwarded like PostgreSQL), with
    ``IMAP_MAILS`` mails waiting in it before the hosts start.
    """
    parsed = urllib.parse.urlparse(cluster_database.url)
    target = (parsed.hostname or "127.0.0.1", parsed.port or 5432)
    forwards = {PG_PORT: target, IMAP_PORT: (dovecot.host, dovecot.imap_port)}
    with cluster_network(3, forwards) as network:
        _imap_account(cluster_database, network.gateway, imap_user, tmp_path)
        for i in range(IMAP_MAILS):
            dovecot.deliver(imap_user, imap_mail(i))
        hosts = _hosts(network, cluster_database, parsed, tmp_path)
        try:
            for host in hosts:
                host.start()
            for host in hosts:
                host.wait_listening()
            yield hosts
        finally:
            for host in hosts:
                host.stop()


def imap_mail(i: int) -> bytes:
    """The IMAP account's mail ``i``."""
    return (
        f"From: Socio {i} <socio{i}@s{i}.example>\r\nTo: {MAILBOX}\r\n"
        f"Subject: Consulta {i} por IMAP\r\nMessage-ID: <imap-{i}@s{i}.example>\r\n"
        "Date: Mon, 07 Dec 2026 10:00:00 +0100\r\n\r\nHola, una consulta.\r\n"
    ).encode()


def _imap_account(db: ClusterDatabase, gateway: str, user: DovecotUser, tmp: Path) -> None:
    create = (
        "import os; from ventanilla.mail.models import ImapAccount, Mailbox; "
        "a = ImapAccount(mailbox=Mailbox.objects.get(), name='cluster', host=os.environ['H'], "
        "port=int(os.environ['P']), security='none', username=os.environ['U'], "
        "poll_seconds=30, use_idle=False); a.password = os.environ['W']; a.save()"
    )
    env = db.env | {
        "VENTANILLA_HOME": str(tmp / "admin"),
        "VENTANILLA_DATABASE_URL": db.url,
        "H": gateway,
        "P": str(IMAP_PORT),
        "U": user.address,
        "W": user.password,
    }
    done = subprocess.run(
        _python("shell", "-c", create), cwd=ROOT, env=env, capture_output=True, check=False
    )
    if done.returncode:
        pytest.fail(f"IMAP account not created:\n{done.stderr.decode()[-3000:]}")


def _hosts(
    network: Network, database: ClusterDatabase, parsed: urllib.parse.ParseResult, tmp: Path
) -> list[RunningHost]:
    url = parsed._replace(netloc=f"{parsed.username or 'postgres'}@{network.gateway}:{PG_PORT}")
    hosts = []
    for host in network.hosts:
        home = tmp / host.name
        home.mkdir()
        env = database.env | {
            "VENTANILLA_HOME": str(home),
            "VENTANILLA_DATABASE_URL": url.geturl(),
            "VENTANILLA_NODE_NAME": host.name,
            # Work lost with the killed host is retried 10 s after it was stored.
            "VENTANILLA_SWEEP_AGE_SECONDS": "10",
        }
        hosts.append(RunningHost(host, home, env))
    return hosts
