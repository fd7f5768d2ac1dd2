"""``ventanilla run``: everything in one process tree, for a newcomer's first five minutes.

It migrates the database, makes sure the demo mailbox and admin login exist, then starts
three children and watches them: the web app, the SMTP listener and the huey consumer. If
one of them dies, the others are stopped and ``run`` exits non-zero (a half-running helpdesk
that accepts mail nobody processes is worse than a visible failure). Ctrl-C or SIGTERM stops
them all: a polite signal first, then SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ventanilla.intake.smtp import parse_listen
from ventanilla.ops.demo import DemoInfo, demo_ensure, describe

STOP_GRACE_SECONDS = 10.0
START_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.2


@dataclass
class Child:
    """One supervised process: its name, how to stop it politely, and the process."""

    name: str
    argv: list[str]
    stop_signal: int
    process: subprocess.Popen[bytes] | None = None


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM us if ``run`` itself dies.

    Without it a ``kill -9`` of the parent would leave the listeners running, holding the
    ports, and the next ``make run`` would fail with "address in use".
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start(child: Child) -> None:
    # The children must see the same data directory even if ours came from a relative path.
    env = {**os.environ, "VENTANILLA_HOME": str(settings.VENTANILLA_HOME), "PYTHONUNBUFFERED": "1"}
    # Own process group: a terminal's Ctrl-C reaches only ``run``, which then stops the
    # children in order instead of all of them racing each other.
    child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        child.argv,
        stdin=subprocess.DEVNULL,
        env=env,
        process_group=0,
        preexec_fn=_die_with_parent,
    )


def _stop_all(children: list[Child], grace: float = STOP_GRACE_SECONDS) -> None:
    """Signal every running child, wait up to ``grace`` seconds, then SIGKILL the rest."""
    running = [c for c in children if c.process is not None and c.process.poll() is None]
    for child in running:
        assert child.process is not None
        child.process.send_signal(child.stop_signal)
    deadline = time.monotonic() + grace
    for child in running:
        assert child.process is not None
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def _dead(children: list[Child]) -> Child | None:
    """Return the first child that has exited, if any."""
    for child in children:
        if child.process is not None and child.process.poll() is not None:
            return child
    return None


def _port_open(host: str, port: int) -> bool:
    connect_host = "127.0.0.1" if host in {"", "0.0.0.0"} else host  # noqa: S104
    try:
        with socket.create_connection((connect_host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _children(web: str, smtp: str) -> list[Child]:
    python = [sys.executable, "-m", "ventanilla.cli"]
    web_host, _ = parse_listen(web)
    runserver = [*python, "web", "--noreload", "--insecure", "--skip-checks"]
    if ":" in web_host:
        runserver.append("--ipv6")
    children = [
        # ``web`` is runserver (threaded; --insecure serves the admin's static files without a
        # collectstatic step) that also takes chunked request bodies (core/web_server.py).
        # Put a real WSGI server in front for more.
        Child("web", [*runserver, web], signal.SIGTERM),
        Child("smtp", [*python, "smtpd", "--listen", smtp], signal.SIGTERM),
        # SIGINT is huey's graceful stop: running tasks finish first.
        Child("worker", [*python, "run_huey", "--flush-locks"], signal.SIGINT),
    ]
    if settings.VENTANILLA_LMTP_LISTEN:  # delivery from a local Postfix/Dovecot (RFC 2033)
        lmtp = settings.VENTANILLA_LMTP_LISTEN
        children.append(Child("lmtp", [*python, "lmtpd", "--listen", lmtp], signal.SIGTERM))
    if settings.VENTANILLA_IMAP_IDLE:  # IMAP push for accounts with "use IDLE" (RFC 2177)
        children.append(Child("imap-idle", [*python, "mail", "idle"], signal.SIGTERM))
    return children


def example_command(address: str, smtp: str) -> str:
    """Return a one-line shell command that mails ``address`` through our listener."""
    host, port = parse_listen(smtp)
    host = "127.0.0.1" if host in {"", "0.0.0.0"} else host  # noqa: S104
    return (
        'python3 -c "import smtplib; from email.message import EmailMessage; '
        "m = EmailMessage(); m['From'] = 'Ana <ana@example.com>'; "
        f"m['To'] = '{address}'; m['Subject'] = 'No puedo entrar'; "
        "m.set_content('Hola, no puedo acceder a mi cuenta.'); "
        f"smtplib.SMTP('{host}', {port}).send_message(m)\""
    )


def banner(info: DemoInfo, web: str, smtp: str) -> list[str]:
    """Return what ``run`` prints once everything listens."""
    host, port = parse_listen(web)
    url = f"http://{'127.0.0.1' if host in {'', '0.0.0.0'} else host}:{port}"  # noqa: S104
    relay = settings.VENTANILLA_RELAY
    outgoing = (
        f"relay {relay.host}:{relay.port}"
        if relay.host
        else f"no relay configured: one .eml per message in {Path(settings.VENTANILLA_OUTBOX_DIR)}"
    )
    return [
        "",
        "Ventanilla is running.",
        f"  Workspace:       {url}/  (agents log in here)",
        f"  Search:          {url}/search/  (or the box at the top of every workspace page)",
        f"  Admin:           {url}/admin/",
        f"  Health:          {url}/healthz",
        f"  SMTP (incoming): {smtp}",
        *(f"  LMTP (incoming): {lmtp}" for lmtp in [settings.VENTANILLA_LMTP_LISTEN] if lmtp),
        *(f"  {line}" for line in describe(info)),
        f"  Outgoing mail:   {outgoing}",
        f"  Data directory:  {settings.VENTANILLA_HOME}",
        "  Send a test mail:",
        f"    {example_command(info.mailbox.address, smtp)}",
        "  Press Ctrl-C to stop.",
        "",
    ]


class Command(BaseCommand):
    """Migrate, create the demo data and run web, SMTP and worker under one supervisor."""

    help = "Run Ventanilla: web app, SMTP listener and background worker in one process tree."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--no-migrate``, ``--web`` and ``--smtp``."""
        parser.add_argument("--no-migrate", action="store_true", help="Do not migrate first.")
        parser.add_argument("--web", default=settings.VENTANILLA_WEB_LISTEN, help="HOST:PORT")
        parser.add_argument("--smtp", default=settings.VENTANILLA_SMTP_LISTEN, help="HOST:PORT")

    def handle(self, *args: Any, **options: Any) -> None:
        """Prepare, start the children and supervise them until a signal or a death."""
        web, smtp = options["web"], options["smtp"]
        try:
            parse_listen(web)
            parse_listen(smtp)
            if settings.VENTANILLA_LMTP_LISTEN:
                parse_listen(settings.VENTANILLA_LMTP_LISTEN)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        info = demo_ensure()
        # The children open their own connections; ours would only hold a lock or a slot.
        connections.close_all()
        stop: list[int] = []

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            stop.append(signum)

        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
        children = _children(web, smtp)
        try:
            for child in children:
                _start(child)
            self._wait_ready(children, web, smtp, stop)
            if not stop:
                self.stdout.write("\n".join(banner(info, web, smtp)))
                self.stdout.flush()
            self._supervise(children, stop)
        finally:
            _stop_all(children)
        self.stdout.write("Ventanilla stopped.")

    def _wait_ready(self, children: list[Child], web: str, smtp: str, stop: list[int]) -> None:
        """Wait until the web and SMTP ports answer; fail if a child dies or time runs out."""
        pending = [parse_listen(web), parse_listen(smtp)]
        if settings.VENTANILLA_LMTP_LISTEN:
            pending.append(parse_listen(settings.VENTANILLA_LMTP_LISTEN))
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while pending and not stop:
            self._check_alive(children)
            pending = [hp for hp in pending if not _port_open(*hp)]
            if time.monotonic() > deadline:
                raise CommandError(f"not listening after {START_TIMEOUT_SECONDS:.0f}s: {pending}")
            time.sleep(POLL_SECONDS)

    def _supervise(self, children: list[Child], stop: list[int]) -> None:
        """Return on a stop signal; raise if a child exits on its own."""
        while not stop:
            self._check_alive(children)
            time.sleep(POLL_SECONDS)
        self.stdout.write(f"Received {signal.Signals(stop[0]).name}, stopping...")

    def _check_alive(self, children: list[Child]) -> None:
        dead = _dead(children)
        if dead is not None:
            assert dead.process is not None
            code = dead.process.returncode
            msg = f"the {dead.name} process exited (code {code}); stopping everything"
            raise CommandError(msg, returncode=1)
