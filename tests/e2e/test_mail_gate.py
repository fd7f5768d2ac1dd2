"""``ventanilla mail gate`` as an MTA runs it: a real subprocess, the message on stdin.

The child gets the test database through ``VENTANILLA_DATABASE_URL`` (the file or database
pytest-django created for this worker), a data directory of its own and no test settings.
Exit statuses are the protocol (sysexits.h): 0 stored, 75 retry later, 65 never.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from ventanilla.mail.models import InboundMessage, Mailbox

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VENTANILLA = str(Path(sys.executable).with_name("ventanilla"))


def _database_url() -> str:
    """The URL of the database this test runs on, for the child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gate(tmp_path):
    """Return ``run(raw, *args, **env) -> CompletedProcess`` running ``ventanilla mail gate``.

    ``raw`` None starts the process with its standard input closed.
    """
    home = tmp_path / "home"
    home.mkdir()  # an installation's data directory exists: only run/migrate/demo create one
    base = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    base.update(
        VENTANILLA_HOME=str(home),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
        VENTANILLA_DATABASE_URL=_database_url(),
    )

    def run(raw: bytes | None, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [VENTANILLA, "mail", "gate", *args],
            input=raw,
            env={**base, **env},
            capture_output=True,
            timeout=120,
            check=False,
            preexec_fn=(lambda: os.close(0)) if raw is None else None,
        )

    return run


@contextlib.contextmanager
def _table_unavailable(table: str):
    """Rename ``table`` away for real (committed DDL), so other connections fail on it."""
    quoted = connection.ops.quote_name(table)
    away = connection.ops.quote_name(f"{table}_away")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quoted} RENAME TO {away}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {away} RENAME TO {quoted}")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_stores_the_exact_bytes_and_exits_0(gate, mailbox, make_mail):
    raw = make_mail()
    done = gate(raw, "--mailbox", "soporte@empresa.es", "--sender", "lucia@cliente.es")
    assert done.returncode == 0, done.stderr.decode()
    inbound = InboundMessage.objects.get()
    assert bytes(inbound.raw) == raw
    assert (inbound.source, inbound.envelope_to) == ("pipe", ["soporte@empresa.es"])
    assert inbound.envelope_from == "lucia@cliente.es"
    assert inbound.mailbox == mailbox
    # The MTA delivering the same message again (a lost exit status) stores nothing new.
    assert gate(raw, "--mailbox", "soporte@empresa.es").returncode == 0
    assert InboundMessage.objects.count() == 1


def test_without_mailbox_the_default_one_receives(gate, mailbox, make_mail):
    assert gate(make_mail()).returncode == 0
    assert InboundMessage.objects.get().envelope_to == ["soporte@empresa.es"]


def test_input_that_can_never_be_accepted_exits_65(gate, mailbox, make_mail):
    assert gate(b"").returncode == 65
    assert gate(b" \r\n\r\n").returncode == 65
    big = make_mail(body="x\n" * 2000)
    done = gate(big, VENTANILLA_MAX_MESSAGE_BYTES="2000")
    assert done.returncode == 65
    assert b"larger than 2000 bytes" in done.stderr
    Mailbox.objects.filter(pk=mailbox.pk).update(max_message_bytes=1000)
    assert gate(big).returncode == 65
    assert not InboundMessage.objects.exists()


def test_unknown_mailbox_exits_75_so_the_mta_keeps_the_mail(gate, mailbox, make_mail):
    done = gate(make_mail(), "--mailbox", "nadie@empresa.es")
    assert done.returncode == 75
    assert b"no active mailbox nadie@empresa.es" in done.stderr
    assert not InboundMessage.objects.exists()


def test_storage_failure_exits_75_and_the_retry_stores_once(gate, mailbox, make_mail):
    raw = make_mail()
    with _table_unavailable(InboundMessage._meta.db_table):
        failed = gate(raw, "--mailbox", "soporte@empresa.es")
    assert failed.returncode == 75, failed.stderr.decode()
    assert not InboundMessage.objects.exists()
    # The MTA retries later (several times, some after success): exactly one row.
    for _ in range(2):
        done = gate(raw, "--mailbox", "soporte@empresa.es")
        assert done.returncode == 0, done.stderr.decode()
    assert InboundMessage.objects.count() == 1


def test_database_server_down_exits_75(gate, mailbox, make_mail):
    url = f"postgres://postgres@127.0.0.1:{_closed_port()}/ventanilla"
    done = gate(make_mail(), "--mailbox", "soporte@empresa.es", VENTANILLA_DATABASE_URL=url)
    assert done.returncode == 75, done.stderr.decode()
    assert b"will be retried" in done.stderr


def _one_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text, text
    assert text.count("\n") == 1, text
    assert text.endswith("\n"), text
    return text


def test_closed_standard_input_exits_75_with_one_line(gate, mailbox):
    done = gate(None, "--mailbox", "soporte@empresa.es")
    assert done.returncode == 75
    assert _one_line(done.stderr) == (
        "ventanilla mail gate: cannot read the message: standard input is closed\n"
    )
    assert not InboundMessage.objects.exists()


def test_a_missing_data_directory_exits_75_and_is_not_created(gate, tmp_path, mailbox, make_mail):
    wrong = tmp_path / "hom"
    done = gate(make_mail(), "--mailbox", "soporte@empresa.es", VENTANILLA_HOME=str(wrong))
    assert done.returncode == 75
    assert f"the data directory {wrong} does not exist" in _one_line(done.stderr)
    assert not wrong.exists()
    assert not InboundMessage.objects.exists()
