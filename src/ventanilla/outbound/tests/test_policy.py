"""outbound.policy: who may receive automatic mail, asked directly (the flows test the steps)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import Mailbox, OutboundKind
from ventanilla.outbound import policy
from ventanilla.outbound.tests.drafts import outbound_queue
from ventanilla.tickets.services import ticket_create_from_mail


def test_robot_sender_names_the_robot_or_the_null_sender():
    assert policy.robot_sender(sender="no-reply@banco.es", envelope_from="", return_paths=[]) == (
        "robot sender: no-reply@banco.es"
    )
    assert policy.robot_sender(sender="", envelope_from="<>", return_paths=[]) == (
        "null envelope sender <>"
    )
    assert policy.robot_sender(sender="ana@cliente.es", envelope_from="", return_paths=[" <> "])
    assert policy.robot_sender(sender="ana@cliente.es", envelope_from="", return_paths=[]) == ""


@pytest.mark.django_db
def test_recipient_refusal_missing_unwritable_or_ours(mailbox):
    assert policy.recipient_refusal("") == "no-recipient"
    assert policy.recipient_refusal("lucia") == "no-recipient"
    assert policy.recipient_refusal("lucia@cliente..es") == "bad-recipient"
    assert policy.recipient_refusal(" Soporte@Empresa.es ") == "own-address"
    assert policy.recipient_refusal("lucia@cliente.es") == ""


@pytest.mark.django_db
def test_ack_refusals_keep_the_rules_reasons_first_and_count_only_when_free(
    mailbox, django_assert_num_queries
):
    Mailbox.objects.filter(pk=mailbox.pk).update(ack_enabled=False)
    mailbox.refresh_from_db()
    reasons = policy.ack_refusals(
        mailbox=mailbox,
        recipient="soporte@empresa.es",
        found=["list-mail"],
        imported=True,
        possible_spoof=True,
    )
    assert reasons == ["list-mail", "import", "ack-disabled", "possible-spoof", "own-address"]
    mailbox.ack_enabled = True
    with django_assert_num_queries(0):  # something already says no: nothing is counted
        assert policy.ack_refusals(mailbox=mailbox, recipient="x", found=[]) == ["no-recipient"]
    assert policy.ack_refusals(mailbox=mailbox, recipient="lucia@cliente.es") == []


@pytest.mark.django_db
def test_resolution_refusals_add_robots_to_the_recipient_checks(mailbox):
    assert policy.resolution_refusals(recipient="noreply@cliente.es") == ["robot-recipient"]
    assert policy.resolution_refusals(recipient="soporte@empresa.es") == ["own-address"]
    assert policy.resolution_refusals(recipient="lucia@cliente.es") == []


@pytest.mark.django_db
def test_copy_recipients_normalise_and_drop_customer_ours_robots_and_bad(mailbox):
    candidates = [
        "Ana <ANA@cliente.es>",
        "ana@cliente.es",
        "lucia@cliente.es",
        "soporte@empresa.es",
        "mailer-daemon@cliente.es",
        "lucia@cliente..es",
        "",
        "pablo@cliente.es",
    ]
    copies = policy.copy_recipients(candidates=candidates, customer_email="Lucia@Cliente.es")
    assert copies == ["ana@cliente.es", "pablo@cliente.es"]


@pytest.mark.django_db
def test_flood_verdict_limits_at_the_count_and_flags_only_once(mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(ack_limit=2, ack_window_minutes=60)
    mailbox.refresh_from_db()
    customer = customer_upsert_from_mail(email="ana@cliente.es", name="Ana")
    for n in range(2):
        assert not policy.flood_verdict(
            mailbox=mailbox, email=customer.email, flagged=False
        ).limited
        ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=f"Petición {n}",
            received_at=timezone.now(),
            language="",
        )
        outbound_queue(
            mailbox=mailbox,
            ticket=ticket,
            kind=OutboundKind.ACK,
            to=[customer.email],
            subject="s",
            text="t",
        )
    verdict = policy.flood_verdict(mailbox=mailbox, email="ANA@cliente.es", flagged=False)
    assert verdict.limited
    assert "2" in verdict.flag_reason
    assert "60" in verdict.flag_reason
    again = policy.flood_verdict(mailbox=mailbox, email=customer.email, flagged=True)
    assert again == policy.FloodVerdict(limited=True, flag_reason="")
