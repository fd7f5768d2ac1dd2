"""The participants step: Cc and extra To recipients, never ourselves or the customer."""

from __future__ import annotations

import pytest

from ventanilla.tickets.models import Participant

pytestmark = pytest.mark.django_db(transaction=True)


def test_cc_and_extra_to_become_participants(deliver, make_mail):
    deliver(
        make_mail(
            to="soporte@empresa.es, Compañero <comp@cliente.es>",
            cc="Jefe <Jefe@Cliente.es>, lucia@cliente.es, soporte@empresa.es",
        ),
        send_ack=False,
    )
    rows = sorted(Participant.objects.values_list("email", "name", "role"))
    assert rows == [("comp@cliente.es", "Compañero", "to"), ("jefe@cliente.es", "Jefe", "cc")]


def test_participants_are_not_duplicated_by_replies(deliver, make_mail):
    deliver(make_mail(message_id="<p1@c>", cc="jefe@cliente.es"), send_ack=False)
    deliver(
        make_mail(message_id="<p2@c>", in_reply_to="<p1@c>", cc="jefe@cliente.es"), send_ack=False
    )
    assert Participant.objects.count() == 1
