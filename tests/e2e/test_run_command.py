"""``ventanilla run`` as a newcomer starts it: a real process tree on free ports.

One mail in over SMTP, the acknowledgement out as an ``.eml`` in the outbox (no relay is
configured), the admin answering and accepting the printed login, and Ctrl-C (SIGINT)
stopping every child. On SQLite it uses a fresh data directory; when the suite runs on
PostgreSQL it gets a scratch database of its own, dropped afterwards.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

START_TIMEOUT = 120.0  # first start migrates a fresh database; CI machines can be slow
STOP_TIMEOUT = 10.0  # run's own grace period: stopping politely must fit inside it


def _free_ports(count: int) -> list[int]:
    """Return ``count`` distinct ports that were free a moment ago (all held while choosing)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _children_of(pid: int) -> list[int]:
    """Return the pids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait(predicate, timeout: float, what: str, process: subprocess.Popen[bytes], log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        if process.poll() is not None:
            pytest.fail(
                f"ventanilla run exited ({process.returncode}) before {what}:\n{log.read_text()}"
            )
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


@pytest.fixture
def database_url():
    """'' for SQLite (the default file in the data directory), else a scratch PG database."""
    url = os.environ.get("VENTANILLA_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield ""
        return
    import psycopg
    from psycopg import sql

    parsed = urllib.parse.urlparse(url)
    name = f"ventanilla_run_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield parsed._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def running(tmp_path, database_url):
    """Start ``ventanilla run``; yield (process, home, web port, smtp port, log); clean up."""
    home = tmp_path / "home"
    web_port, smtp_port = _free_ports(2)
    # Nothing of the test run's own configuration leaks in: no relay, no eager huey.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(
        VENTANILLA_HOME=str(home),
        VENTANILLA_WEB_LISTEN=f"127.0.0.1:{web_port}",
        VENTANILLA_SMTP_LISTEN=f"127.0.0.1:{smtp_port}",
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
    )
    if database_url:
        env["VENTANILLA_DATABASE_URL"] = database_url
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ventanilla.cli", "run"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our SIGINT goes to run alone, as a terminal's would not
        )
    try:
        yield process, home, web_port, smtp_port, log
    finally:
        if process.poll() is None:
            # The children die with it (run asks Linux for SIGTERM on parent death).
            process.kill()
            process.wait()


def _login(web: str, password: str):
    """Log in to the admin like a browser; return the path we end up on."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{web}/admin/login/", timeout=30) as page:
        assert page.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token, "no CSRF token on the login page"
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token[1],
            "username": "admin",
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    with opener.open(f"{web}/admin/login/?next=/admin/", data=form, timeout=30) as landed:
        assert landed.status == 200
        return urllib.parse.urlparse(landed.url).path


def test_run_serves_mail_web_and_stops_cleanly(running):
    process, home, web_port, smtp_port, log = running
    _wait(lambda: "Ventanilla is running." in log.read_text(), START_TIMEOUT, "start", process, log)
    children = _children_of(process.pid)
    assert len(children) == 3, children  # web, smtp, worker

    # The login it printed is real, and its password file is private.
    password_file = home / "admin_password"
    assert password_file.stat().st_mode & 0o777 == 0o600
    password = password_file.read_text().strip()
    assert f"admin / {password}" in log.read_text()
    # It lists the example tickets: number, status, assignee, subject. New ones: the five
    # examples and the knowledge demo's ticket to help with (its solved ones are resolved).
    examples = re.findall(r"^    SOP-\d{4}-\d{5}  new +(\w+) +\S", log.read_text(), re.MULTILINE)
    assert sorted(examples) == ["lucia", "lucia", "marta", "marta", "tom", "tom"], log.read_text()
    resolved = re.findall(r"^    SOP-\d{4}-\d{5}  resolved +\w+ +\S", log.read_text(), re.MULTILINE)
    assert len(resolved) == 3, log.read_text()
    assert re.search(r"^  Search: +http://127\.0\.0\.1:\d+/search/", log.read_text(), re.MULTILINE)

    # The one-liner it printed works as printed (a shell, python3 on PATH).
    lines = log.read_text().splitlines()
    one_liner = next(line.strip() for line in lines if line.strip().startswith("python3 -c"))
    subprocess.run(one_liner, shell=True, check=True, timeout=60, cwd=home)

    mail = EmailMessage()
    mail["From"] = "Ana García <ana@example.com>"
    mail["To"] = "soporte@empresa.es"
    mail["Subject"] = "No puedo entrar en mi cuenta"
    mail["Message-ID"] = "<run-test-1@example.com>"
    mail.set_content("Hola,\n\nno puedo acceder a mi cuenta desde ayer.\n\nAna\n")
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as smtp:
        smtp.send_message(mail)

    outbox = home / "outbox"

    def two_acks():
        # The outbox also holds the demo agents' assignment notifications: keep the acks.
        mails = [
            message_from_bytes(f.read_bytes(), policy=policy.default) for f in outbox.glob("*.eml")
        ]
        acks = [m for m in mails if m["To"].addresses[0].domain != "empresa.es"]
        return acks if len(acks) >= 2 else None

    acks = _wait(two_acks, 60.0, "two acknowledgements", process, log)
    assert sorted(a["To"].addresses[0].addr_spec for a in acks) == [
        "ana@example.com",
        "ana@example.com",
    ]
    [ack] = [a for a in acks if str(a["In-Reply-To"]) == "<run-test-1@example.com>"]
    assert re.search(r"SOP-\d{4}-\d{5,}", str(ack["Subject"]))
    assert str(ack["Auto-Submitted"]) == "auto-replied"

    web = f"http://127.0.0.1:{web_port}"
    with urllib.request.urlopen(f"{web}/healthz", timeout=30) as health:
        assert health.status == 200
        assert json.loads(health.read())["status"] == "ok"
    assert _login(web, password) == "/admin/"

    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=STOP_TIMEOUT + 5) == 0, log.read_text()
    assert time.monotonic() - started < STOP_TIMEOUT, "a child needed SIGKILL"
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
    assert "Ventanilla stopped." in log.read_text()


@pytest.mark.django_db
def test_demo_is_idempotent_and_keeps_the_password_private(settings, tmp_path, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from ventanilla.mail.models import Mailbox

    monkeypatch.delenv("VENTANILLA_ADMIN_PASSWORD", raising=False)
    settings.VENTANILLA_HOME = tmp_path
    call_command("demo")
    call_command("demo")
    mailbox = Mailbox.objects.get()
    assert (mailbox.address, mailbox.prefix) == ("soporte@empresa.es", "SOP")
    assert mailbox.fallback_contact == "incidencias@empresa.es"
    password_file = tmp_path / "admin_password"
    assert password_file.stat().st_mode & 0o777 == 0o600
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password_file.read_text().strip())


@pytest.mark.django_db
def test_demo_creates_the_workspace_once(
    settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from ventanilla.agents.models import AgentProfile
    from ventanilla.mail.models import Mailbox, OutboundMessage
    from ventanilla.tickets.models import Ticket

    monkeypatch.delenv("VENTANILLA_ADMIN_PASSWORD", raising=False)
    settings.VENTANILLA_HOME = tmp_path
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("demo")
    password = (tmp_path / "admin_password").read_text().strip()
    profiles = {p.user.username: p for p in AgentProfile.objects.select_related("user")}
    assert {"admin", "lucia", "marta", "tom"} <= set(profiles)
    assert profiles["admin"].role == "admin"
    assert profiles["lucia"].role == "supervisor"
    assert profiles["tom"].language == "en"
    assert profiles["marta"].user.check_password(password)
    mailbox = Mailbox.objects.get()
    assert mailbox.team is not None
    assert mailbox.team.members.count() == 3
    # Nine example mails (five examples, the knowledge demo's three solved tickets and its
    # ticket to help with), stored once although demo ran twice, none acknowledged.
    from ventanilla.ops.demo_history import HISTORY_TICKETS

    tickets = Ticket.objects.all()
    # Plus the generated past tickets that give the reports a history, also made once.
    assert tickets.count() == 9 + HISTORY_TICKETS
    assert {t.language for t in tickets} == {"es", "en"}
    assert not OutboundMessage.objects.filter(kind="ack").exists()


@pytest.mark.django_db
def test_demo_applies_the_password_from_the_environment(settings, tmp_path, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.VENTANILLA_HOME = tmp_path
    monkeypatch.delenv("VENTANILLA_ADMIN_PASSWORD", raising=False)
    call_command("demo")
    monkeypatch.setenv("VENTANILLA_ADMIN_PASSWORD", "una-clave-de-prueba")
    call_command("demo")
    assert get_user_model().objects.get(username="admin").check_password("una-clave-de-prueba")


def test_listen_addresses_are_parsed():
    from ventanilla.intake.smtp import parse_listen

    assert parse_listen("127.0.0.1:2525") == ("127.0.0.1", 2525)
    assert parse_listen("[::1]:8000") == ("::1", 8000)
    assert parse_listen(":25") == ("127.0.0.1", 25)
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_listen("localhost")
