"""``ventanilla mail reprocess``: quarantined messages go back through the pipeline."""

from __future__ import annotations

import io

import pytest
from conftest import build_mail
from django.core.management import call_command
from django.core.management.base import CommandError

from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.mail.services import mailbox_create
from ventanilla.tickets.models import Ticket


def _import_without_mailbox(tmp_path, *names: str) -> list[InboundMessage]:
    """Import mail while no mailbox exists: processing fails, so it lands in quarantine."""
    for name in names:
        (tmp_path / f"{name}.eml").write_bytes(build_mail(message_id=f"<{name}@cliente.es>"))
    out = io.StringIO()
    call_command("mail", "import", str(tmp_path), "--no-progress", stdout=out)
    assert f"quarantined: {len(names)}" in out.getvalue()
    return list(InboundMessage.objects.order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_reprocess_all_after_fixing_the_cause(tmp_path):
    held = _import_without_mailbox(tmp_path, "uno", "dos")
    assert all(m.state == InboundState.QUARANTINED for m in held)
    assert "no mailbox is configured" in held[0].error
    mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")

    out = io.StringIO()
    call_command("mail", "reprocess", "--all", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert all("processed, created (SOP-" in line for line in lines)
    assert {m.state for m in InboundMessage.objects.all()} == {InboundState.PROCESSED}
    assert Ticket.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_reprocess_by_id_skips_what_is_not_quarantined(tmp_path):
    first, second = _import_without_mailbox(tmp_path, "tres", "cuatro")
    out = io.StringIO()
    call_command("mail", "reprocess", str(first.pk), stdout=out)
    # The cause is not fixed yet: back to quarantine, with the reason.
    assert (
        out.getvalue().strip().endswith("quarantined again: RuntimeError: no mailbox is configured")
    )
    mailbox_create(name="Soporte", address="soporte@empresa.es", prefix="SOP")

    out = io.StringIO()
    call_command("mail", "reprocess", str(first.pk), stdout=out)
    assert out.getvalue().startswith(f"#{first.pk}: processed, created")
    second.refresh_from_db()
    assert second.state == InboundState.QUARANTINED

    out = io.StringIO()
    call_command("mail", "reprocess", str(first.pk), stdout=out)
    assert "not in quarantine" in out.getvalue()


@pytest.mark.django_db
def test_reprocess_needs_ids_or_all():
    with pytest.raises(CommandError, match="--all"):
        call_command("mail", "reprocess")
