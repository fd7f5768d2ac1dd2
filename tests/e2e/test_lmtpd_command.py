"""``ventanilla lmtpd`` as a real process, and ``ventanilla run`` starting it when configured."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.servers.postfix import free_port
from ventanilla.mail.models import InboundMessage

from .conftest import crlf

pytestmark = [pytest.mark.e2e]

VENTANILLA = str(Path(sys.executable).with_name("ventanilla"))


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_lmtpd_stores_mail_and_stops_on_sigterm(tmp_path, mailbox, make_mail):
    port = free_port()
    (tmp_path / "home").mkdir()  # only run/migrate/demo create a missing data directory
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(
        VENTANILLA_HOME=str(tmp_path / "home"),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
        VENTANILLA_DATABASE_URL=_database_url(),
        VENTANILLA_LMTP_LISTEN=f"127.0.0.1:{port}",
    )
    log = tmp_path / "lmtpd.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VENTANILLA, "lmtpd"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while f"LMTP listening on 127.0.0.1:{port}" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        with smtplib.LMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail("lucia@cliente.es", ["soporte@empresa.es"], crlf(make_mail()))
        assert InboundMessage.objects.get().source == "lmtp"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_run_starts_the_lmtp_listener_only_when_configured(settings):
    from ventanilla.ops.management.commands.run import _children

    settings.VENTANILLA_LMTP_LISTEN = ""
    assert [c.name for c in _children("127.0.0.1:8000", "127.0.0.1:2525")] == [
        "web",
        "smtp",
        "worker",
    ]
    settings.VENTANILLA_LMTP_LISTEN = "127.0.0.1:2424"
    [lmtp] = [c for c in _children("127.0.0.1:8000", "127.0.0.1:2525") if c.name == "lmtp"]
    assert lmtp.argv[-3:] == ["lmtpd", "--listen", "127.0.0.1:2424"]


def test_lmtpd_without_an_address_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(VENTANILLA_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="ventanilla.settings")
    done = subprocess.run([VENTANILLA, "lmtpd"], env=env, capture_output=True, timeout=60)
    assert done.returncode != 0
    assert b"VENTANILLA_LMTP_LISTEN" in done.stderr
