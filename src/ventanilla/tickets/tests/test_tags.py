"""Tags on tickets: normalised names, created on first use, audited changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ventanilla.tickets.lifecycle import ticket_tags_set
from ventanilla.tickets.models import Tag, Ticket
from ventanilla.tickets.tags import tag_normalise

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(deliver, make_mail):
    deliver(make_mail())
    return Ticket.objects.get()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  VPN ", "vpn"), ("Facturación", "facturación"), ("red\t interna", "red interna")],
)
def test_tag_normalise(raw, clean):
    assert tag_normalise(raw) == clean


def test_set_creates_missing_tags_and_records_changes(ticket, make_agent):
    agent = make_agent("ana")
    Tag.objects.create(name="vpn")
    names = ticket_tags_set(ticket=ticket, names=["VPN", " Facturación ", "vpn", ""], actor=agent)
    assert names == ["facturación", "vpn"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["facturación", "vpn"]
    assert sorted(ticket.tags.values_list("name", flat=True)) == names
    event = ticket.events.get(kind="tags-set")
    assert (event.actor, event.data) == ("ana", {"added": names, "removed": []})

    assert ticket_tags_set(ticket=ticket, names=["vpn", "urgente"], actor=None) == [
        "urgente",
        "vpn",
    ]
    last = ticket.events.filter(kind="tags-set").latest("pk")
    assert (last.actor, last.data) == ("system", {"added": ["urgente"], "removed": ["facturación"]})
    assert Tag.objects.filter(name="facturación").exists()  # other tickets may use it


def test_setting_the_same_tags_writes_no_event(ticket):
    ticket_tags_set(ticket=ticket, names=["vpn"], actor=None)
    ticket_tags_set(ticket=ticket, names=[" VPN"], actor=None)
    assert ticket.events.filter(kind="tags-set").count() == 1


def test_too_long_tag_is_refused_and_nothing_changes(ticket):
    with pytest.raises(ValidationError):
        ticket_tags_set(ticket=ticket, names=["ok", "x" * 51], actor=None)
    assert not ticket.tags.exists()
    assert not Tag.objects.exists()
