"""``ventanilla run --role``: each host starts only the processes of its roles."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ventanilla.ops.management.commands.run import _children, banner
from ventanilla.ops.roles import ALL_ROLES, roles_parse, roles_text
from ventanilla.ops.tests.processes import VENTANILLA, child_database_url, free_port

WEB, SMTP = "127.0.0.1:8000", "127.0.0.1:2525"


def test_roles_parse_accepts_lists_and_all_and_refuses_the_rest():
    assert roles_parse("web,intake,worker") == ALL_ROLES
    assert roles_parse("all") == ALL_ROLES
    assert roles_parse(" Worker , intake ") == {"worker", "intake"}
    assert roles_text(roles_parse("worker,web")) == "web,worker"
    for bad in ("", "web,mail", "all,web", ","):
        with pytest.raises(ValueError, match="--role"):
            roles_parse(bad)


@pytest.mark.parametrize(
    ("roles", "names"),
    [
        ("web,intake,worker", ["web", "smtp", "lmtp", "worker"]),
        ("web", ["web"]),
        ("intake", ["smtp", "lmtp"]),
        ("worker", ["worker"]),
        ("intake,worker", ["smtp", "lmtp", "worker"]),
    ],
)
def test_each_role_starts_its_own_processes(settings, roles, names):
    settings.VENTANILLA_LMTP_LISTEN = "127.0.0.1:2424"
    settings.VENTANILLA_IMAP_IDLE = False
    assert [c.name for c in _children(WEB, SMTP, roles_parse(roles))] == names


def test_the_banner_shows_only_what_this_host_runs(settings):
    settings.VENTANILLA_LMTP_LISTEN = ""
    worker = "\n".join(banner(None, WEB, SMTP, roles_parse("worker")))
    assert "Roles:           worker" in worker
    assert "Workspace" not in worker
    assert "SMTP (incoming)" not in worker
    assert "Outgoing mail" in worker
    web = "\n".join(banner(None, WEB, SMTP, roles_parse("web")))
    assert "Workspace:       http://127.0.0.1:8000/" in web
    assert "SMTP (incoming)" not in web
    assert "Send a test mail" not in web  # no demo mailbox without the demo


def test_an_unknown_role_is_refused_before_anything_starts():
    with pytest.raises(CommandError, match="--role"):
        call_command("run", "--role", "web,mta", "--no-migrate", "--no-demo")


def _children_of(pid: int) -> dict[int, str]:
    """Return ``{pid: command line}`` of the processes whose parent is ``pid``."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = cmdline
    return found


@pytest.mark.django_db(transaction=True)
def test_an_intake_host_runs_the_listener_alone_and_stops_on_sigterm(tmp_path):
    smtp_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(
        VENTANILLA_HOME=str(tmp_path / "home"),
        VENTANILLA_DATABASE_URL=child_database_url(),
        VENTANILLA_SMTP_LISTEN=f"127.0.0.1:{smtp_port}",
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
    )
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VENTANILLA, "run", "--role", "intake", "--no-migrate", "--no-demo"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "Ventanilla is running." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        children = _children_of(process.pid)
        assert [" smtpd " in cmd for cmd in children.values()] == [True], children
        assert "Roles:           intake" in log.read_text()
        assert "Workspace" not in log.read_text()
        socket.create_connection(("127.0.0.1", smtp_port), timeout=5).close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0, log.read_text()
        assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
        assert "Received SIGTERM, stopping..." in log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
