"""The customer's satisfaction rating: one per ticket, changeable within a window, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from ventanilla.tickets.export import ticket_export_iter
from ventanilla.tickets.lifecycle import ticket_reopen, ticket_resolve
from ventanilla.tickets.models import SatisfactionRating, TicketEvent
from ventanilla.tickets.satisfaction import (
    COMMENT_MAX_CHARS,
    ticket_rate,
    ticket_rating_state,
    ticket_rating_urls,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(new_ticket):
    ticket = new_ticket()
    return ticket_resolve(ticket=ticket, actor=None, note="Contraseña restablecida.")


def _rated_events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind="rated").order_by("pk"))


def test_a_resolved_ticket_gets_one_rating_with_an_audit_row(resolved):
    row = ticket_rate(ticket=resolved, rating="good", comment="  Rápido y claro.  ")
    assert (row.rating, row.comment) == ("good", "Rápido y claro.")
    [event] = _rated_events(resolved)
    assert event.actor == resolved.customer.email
    assert event.data == {"rating": "good", "previous": "", "has_comment": True}


def test_rating_again_changes_the_one_row_and_says_what_it_was(resolved):
    first = ticket_rate(ticket=resolved, rating="good", comment="")
    second = ticket_rate(ticket=resolved, rating="bad", comment="Ha vuelto a fallar.")
    assert first.pk == second.pk
    assert SatisfactionRating.objects.filter(ticket=resolved).count() == 1
    assert (second.rating, second.comment) == ("bad", "Ha vuelto a fallar.")
    assert [e.data["previous"] for e in _rated_events(resolved)] == ["", "good"]


def test_the_same_rating_twice_writes_nothing_new(resolved):
    ticket_rate(ticket=resolved, rating="good", comment="ok")
    ticket_rate(ticket=resolved, rating="good", comment="ok")
    assert len(_rated_events(resolved)) == 1


@pytest.mark.parametrize("days", [1, 14])
def test_change_within_the_window_but_not_after(resolved, settings, days):
    settings.VENTANILLA_RATING_DAYS = days
    row = ticket_rate(ticket=resolved, rating="good")
    window_end = row.created_at + timedelta(days=days)
    ticket_rate(ticket=resolved, rating="bad", now=window_end - timedelta(seconds=1))
    with pytest.raises(ValidationError) as refused:
        ticket_rate(ticket=resolved, rating="good", now=window_end)
    assert refused.value.code == "window-closed"
    row.refresh_from_db()
    assert row.rating == "bad"
    assert len(_rated_events(resolved)) == 2
    state = ticket_rating_state(ticket=resolved, now=window_end)
    assert (state.open, state.reason, state.changeable_until) == (
        False,
        "window-closed",
        window_end,
    )


def test_default_window_is_two_weeks():
    # Same as the reopen window: while a reply still reopens the ticket, the rating moves.
    from ventanilla import settings as project_settings

    assert project_settings.VENTANILLA_RATING_DAYS == 14


def test_a_ticket_still_being_worked_on_cannot_be_rated(new_ticket):
    ticket = new_ticket()
    with pytest.raises(ValidationError) as refused:
        ticket_rate(ticket=ticket, rating="good")
    assert refused.value.code == "not-resolved"
    assert not SatisfactionRating.objects.exists()
    assert not _rated_events(ticket)


def test_a_rating_may_change_after_the_ticket_was_reopened(resolved):
    # "Good" on Monday, "it fails again" on Tuesday: the customer may correct his rating.
    ticket_rate(ticket=resolved, rating="good")
    ticket_reopen(ticket=resolved, actor=None, reason="Sigue sin funcionar")
    ticket_rate(ticket=resolved, rating="bad", comment="Sigue sin funcionar")
    assert SatisfactionRating.objects.get(ticket=resolved).rating == "bad"


@pytest.mark.parametrize("value", ["", "excellent", "GOOD", "good "])
def test_only_good_or_bad(resolved, value):
    with pytest.raises(ValidationError) as refused:
        ticket_rate(ticket=resolved, rating=value)
    assert refused.value.code == "bad-rating"
    assert not SatisfactionRating.objects.exists()


def test_a_long_comment_is_cut(resolved):
    row = ticket_rate(ticket=resolved, rating="bad", comment="x" * (COMMENT_MAX_CHARS + 50))
    assert len(row.comment) == COMMENT_MAX_CHARS


def test_rating_urls_carry_the_tickets_portal_token(resolved, settings):
    settings.VENTANILLA_BASE_URL = "https://soporte.empresa.es/"
    good, bad = ticket_rating_urls(resolved)
    assert good.startswith("https://soporte.empresa.es/p/t/")
    assert good.endswith("/rate/good/")
    assert bad.endswith("/rate/bad/")
    assert "//p/" not in good
    assert resolved.number not in good  # the token, never the guessable number
    # Building the links records nothing.
    assert not SatisfactionRating.objects.exists()


def _export_queries(count: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        items = list(ticket_export_iter())
    assert len(items) == count
    return len(queries)


def test_the_export_carries_the_rating_for_reports(new_ticket, resolved):
    ticket_rate(ticket=resolved, rating="bad", comment="Tardó.")
    unrated = new_ticket()
    items = {item["number"]: item for item in ticket_export_iter()}
    row = SatisfactionRating.objects.get(ticket=resolved)
    assert items[resolved.number]["satisfaction"] == {
        "rating": "bad",
        "comment": "Tardó.",
        "rated_at": row.created_at.isoformat(),
        "changed_at": row.updated_at.isoformat(),
    }
    assert items[unrated.number]["satisfaction"] is None


def test_ratings_add_no_query_per_ticket_to_the_export(new_ticket):
    def rated() -> None:
        ticket = ticket_resolve(ticket=new_ticket(), actor=None, note="Hecho.")
        ticket_rate(ticket=ticket, rating="good")

    rated()
    one = _export_queries(1)
    rated()
    rated()
    new_ticket()
    assert _export_queries(4) == one
