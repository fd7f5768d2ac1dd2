"""``ventanilla run [--role web,intake,worker]``: one host's process tree.

The embedded default (every role) is a newcomer's first five minutes: it migrates the
database, makes sure the demo mailbox and admin login exist, then starts the web app, the
SMTP listener and the huey consumer and watches them. On several hosts each runs the roles
it should (``ops/roles.py``), with ``--no-migrate --no-demo`` (README "Running on several
hosts"). If a child dies, the others are stopped and ``run`` exits non-zero (a half-running
helpdesk that accepts mail nobody processes is worse than a visible failure). Ctrl-C or
SIGTERM stops them all: each child's graceful signal first, then SIGKILL after a grace
period (``ops/supervisor.py``).
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ventanilla.intake.smtp import parse_listen
from ventanilla.ops.demo import DemoInfo, demo_ensure, describe
from ventanilla.ops.roles import ALL_ROLES, roles_parse, roles_text
from ventanilla.ops.supervisor import Child, child_dead, child_start, children_stop, port_open

START_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.2


def _children(web: str, smtp: str, roles: frozenset[str] = ALL_ROLES) -> list[Child]:
    """Return the processes this host runs for ``roles`` (not started yet)."""
    python = [sys.executable, "-m", "ventanilla.cli"]
    children = []
    if "web" in roles:
        # gunicorn (core/web_server.py); SIGTERM lets requests in progress finish.
        children.append(Child("web", [*python, "web", web], signal.SIGTERM))
    if "intake" in roles:
        children.append(Child("smtp", [*python, "smtpd", "--listen", smtp], signal.SIGTERM))
        if settings.VENTANILLA_LMTP_LISTEN:  # delivery from a local Postfix/Dovecot (RFC 2033)
            lmtp = settings.VENTANILLA_LMTP_LISTEN
            children.append(Child("lmtp", [*python, "lmtpd", "--listen", lmtp], signal.SIGTERM))
        if settings.VENTANILLA_IMAP_IDLE:  # IMAP push for accounts with "use IDLE" (RFC 2177)
            children.append(Child("imap-idle", [*python, "mail", "idle"], signal.SIGTERM))
    if "worker" in roles:
        # SIGINT is huey's graceful stop: running tasks finish first.
        children.append(Child("worker", [*python, "run_huey", "--flush-locks"], signal.SIGINT))
    return children


def _listening(web: str, smtp: str, roles: frozenset[str]) -> list[tuple[str, int]]:
    """Return the addresses that must accept connections before ``run`` says it is running."""
    ports = [parse_listen(web)] if "web" in roles else []
    if "intake" in roles:
        ports.append(parse_listen(smtp))
        if settings.VENTANILLA_LMTP_LISTEN:
            ports.append(parse_listen(settings.VENTANILLA_LMTP_LISTEN))
    return ports


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


def banner(
    info: DemoInfo | None, web: str, smtp: str, roles: frozenset[str] = ALL_ROLES
) -> list[str]:
    """Return what ``run`` prints once everything listens (only what this host runs)."""
    host, port = parse_listen(web)
    url = f"http://{'127.0.0.1' if host in {'', '0.0.0.0'} else host}:{port}"  # noqa: S104
    relay = settings.VENTANILLA_RELAY
    outgoing = (
        f"relay {relay.host}:{relay.port}"
        if relay.host
        else f"no relay configured: one .eml per message in {Path(settings.VENTANILLA_OUTBOX_DIR)}"
    )
    web_lines = [
        f"  Workspace:       {url}/  (agents log in here)",
        f"  Search:          {url}/search/  (or the box at the top of every workspace page)",
        f"  Admin:           {url}/admin/",
        f"  Health:          {url}/healthz",
        f"  API docs:        {url}/api/v1/docs  (OpenAPI: {url}/api/v1/openapi.json)",
    ]
    intake_lines = [
        f"  SMTP (incoming): {smtp}",
        *(f"  LMTP (incoming): {lmtp}" for lmtp in [settings.VENTANILLA_LMTP_LISTEN] if lmtp),
    ]
    return [
        "",
        "Ventanilla is running.",
        f"  Roles:           {roles_text(roles)}",
        *(web_lines if "web" in roles else []),
        *(intake_lines if "intake" in roles else []),
        *(f"  {line}" for line in (describe(info) if info is not None else [])),
        *([f"  Outgoing mail:   {outgoing}"] if "worker" in roles else []),
        f"  Data directory:  {settings.VENTANILLA_HOME}",
        *(
            ["  Send a test mail:", f"    {example_command(info.mailbox.address, smtp)}"]
            if info is not None and "intake" in roles
            else []
        ),
        "  Press Ctrl-C to stop.",
        "",
    ]


class Command(BaseCommand):
    """Migrate, create the demo data and run this host's roles under one supervisor."""

    help = (
        "Run Ventanilla: the web app, the mail listeners and the background worker "
        "(or the roles given with --role) in one process tree."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--role``, ``--no-migrate``, ``--no-demo``, ``--web`` and ``--smtp``."""
        parser.add_argument(
            "--role",
            default=settings.VENTANILLA_ROLES,
            help="Comma list of web, intake, worker (default: VENTANILLA_ROLES, else all).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not migrate first.")
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Do not create the demo mailbox, logins and example tickets (production).",
        )
        parser.add_argument("--web", default=settings.VENTANILLA_WEB_LISTEN, help="HOST:PORT")
        parser.add_argument("--smtp", default=settings.VENTANILLA_SMTP_LISTEN, help="HOST:PORT")

    def handle(self, *args: Any, **options: Any) -> None:
        """Prepare, start the children and supervise them until a signal or a death."""
        web, smtp = options["web"], options["smtp"]
        try:
            roles = roles_parse(options["role"])
            parse_listen(web)
            parse_listen(smtp)
            if settings.VENTANILLA_LMTP_LISTEN:
                parse_listen(settings.VENTANILLA_LMTP_LISTEN)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        info = None if options["no_demo"] else demo_ensure()
        # The children open their own connections; ours would only hold a lock or a slot.
        connections.close_all()
        stop: list[int] = []

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            stop.append(signum)

        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
        children = _children(web, smtp, roles)
        # The children must see the same data directory even if ours came from a relative
        # path, and know the roles of their host (health reports them).
        env = {
            "VENTANILLA_HOME": str(settings.VENTANILLA_HOME),
            "VENTANILLA_ROLES": roles_text(roles),
            "PYTHONUNBUFFERED": "1",
        }
        try:
            for child in children:
                child_start(child, env)
            self._wait_ready(children, _listening(web, smtp, roles), stop)
            if not stop:
                self.stdout.write("\n".join(banner(info, web, smtp, roles)))
                self.stdout.flush()
            self._supervise(children, stop)
        finally:
            children_stop(children)
        self.stdout.write("Ventanilla stopped.")

    def _wait_ready(
        self, children: list[Child], pending: list[tuple[str, int]], stop: list[int]
    ) -> None:
        """Wait until the listening ports answer; fail if a child dies or time runs out."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while pending and not stop:
            self._check_alive(children)
            pending = [hp for hp in pending if not port_open(*hp)]
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
        dead = child_dead(children)
        if dead is not None:
            assert dead.process is not None
            code = dead.process.returncode
            msg = f"the {dead.name} process exited (code {code}); stopping everything"
            raise CommandError(msg, returncode=1)
