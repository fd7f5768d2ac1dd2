"""The customer's archive: every piece of hers, nothing of anyone else's; logged."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.privacy.export import customer_export_write
from ventanilla.privacy.tests.conftest import JUAN, JUAN_NAME, JUAN_PDF, LOGO, LUCIA, PDF


def _archive(customer: Customer, actor=None) -> zipfile.ZipFile:
    out = io.BytesIO()
    customer_export_write(customer=customer, out=out, actor=actor, actor_name="prueba")
    out.seek(0)
    return zipfile.ZipFile(out)


def test_archive_holds_every_piece(history):
    lucia = Customer.objects.get(email=LUCIA)
    archive = _archive(lucia)
    document = json.loads(archive.read("customer.json"))
    assert document["customer"]["email"] == LUCIA
    numbers = {t["number"] for t in document["tickets"]}
    assert numbers == {history.lucia.number, history.lucia_second.number}
    first = next(t for t in document["tickets"] if t["number"] == history.lucia.number)
    assert first["satisfaction"]["rating"] == "good"
    assert first["satisfaction"]["comment"] == "Gracias, Lucía Quintanilla"
    assert {"created", "rated", "reply-queued"} <= {e["kind"] for e in first["events"]}
    assert {m["kind"] for m in first["mail_out"]} >= {"reply", "resolution"}
    # Every raw mail of her tickets, in and out, byte for byte.
    mail_in = InboundMessage.objects.filter(ticket__customer=lucia)
    mail_out = OutboundMessage.objects.filter(ticket__customer=lucia)
    names = set(archive.namelist())
    for message in mail_in:
        assert archive.read(f"mail/in-{message.pk}.eml") == bytes(message.raw)
    for sent in mail_out:
        assert archive.read(f"mail/out-{sent.pk}.eml") == bytes(sent.raw)
    files = {n for n in names if n.startswith("attachments/")}
    assert files == {
        f"attachments/{hashlib.sha256(PDF).hexdigest()}",
        f"attachments/{hashlib.sha256(LOGO).hexdigest()}",
    }
    assert archive.read(f"attachments/{hashlib.sha256(PDF).hexdigest()}") == PDF
    expected = {"customer.json", *files}
    expected |= {f"mail/in-{m.pk}.eml" for m in mail_in}
    expected |= {f"mail/out-{m.pk}.eml" for m in mail_out}
    assert names == expected


def test_archive_holds_nothing_of_another_customer(history):
    archive = _archive(Customer.objects.get(email=LUCIA))
    juan_mail = InboundMessage.objects.get(ticket=history.juan)
    for name in archive.namelist():
        content = archive.read(name)
        for needle in (JUAN.encode(), JUAN_NAME.encode(), b"Pedido 4471", JUAN_PDF[:40]):
            assert needle not in content, (name, needle)
    assert f"mail/in-{juan_mail.pk}.eml" not in archive.namelist()
    assert history.juan.number.encode() not in archive.read("customer.json")


def test_export_is_logged_without_her_address(history, make_agent):
    adan = make_agent("adan", role="admin")
    lucia = Customer.objects.get(email=LUCIA)
    _archive(lucia, actor=adan)
    (row,) = SensitiveAction.objects.filter(kind=SensitiveKind.EXPORT)
    assert (row.actor_id, row.target) == (adan.pk, f"customer:{lucia.pk}")
    assert row.data == {"tickets": 2, "mail": row.data["mail"], "attachments": 2}
    assert LUCIA not in json.dumps(row.data)
    # The next archive lists the earlier export among the actions about her.
    document = json.loads(_archive(lucia, actor=adan).read("customer.json"))
    assert [a["kind"] for a in document["sensitive_actions"]] == ["export"]


def test_cli_export_writes_the_archive(history, tmp_path, capsys):
    target = tmp_path / "lucia.zip"
    call_command("privacy", "export", "--customer", LUCIA, "--out", str(target))
    with zipfile.ZipFile(target) as archive:
        assert "customer.json" in archive.namelist()
    assert not (tmp_path / "lucia.zip.partial").exists()
    assert "2 tickets" in capsys.readouterr().out
    assert SensitiveAction.objects.get(kind=SensitiveKind.EXPORT).actor_name.startswith("cli:")


def test_cli_export_of_an_unknown_address_fails(db, tmp_path):
    with pytest.raises(CommandError, match="no customer"):
        call_command("privacy", "export", "--customer", "nadie@ejemplo.es", "--out", str(tmp_path))
