"""The customer's rating of a solved ticket: good or bad, an optional comment, one per ticket.

The resolution notice offers the rating (two links to a confirmation page of the portal:
a link only *proposes* a value, the page's POST records it, so a mail scanner that fetches
every link of a message rates nothing). Rules:

- the first rating needs a ticket that is resolved or closed: there is nothing to judge yet
  while agents are still working on it;
- there is one rating per ticket; the customer may change it (value and comment) for
  ``VENTANILLA_RATING_DAYS`` after first giving it, whatever the ticket's status since (he
  may rate "good" and find the next day that it still fails); after that it is fixed, so
  the figures of a closed period stop moving;
- every rating and change writes a ``rated`` audit row (``events.ticket_rated_event``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.tickets import events
from ventanilla.tickets.models import Rating, SatisfactionRating, Ticket, TicketStatus
from ventanilla.tickets.portal_links import ticket_portal_token

COMMENT_MAX_CHARS = 2000
RATEABLE_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


def rating_window() -> timedelta:
    """How long a rating may be changed after it was first given."""
    return timedelta(days=settings.VENTANILLA_RATING_DAYS)


def ticket_rating_urls(ticket: Ticket) -> tuple[str, str]:
    """Return the absolute URLs that propose "good" and "bad" for ``ticket`` (for mail).

    They carry the ticket's personal portal token (``portal_links``), so they are valid as
    long as the ticket's page link is, and revoked with it.
    """
    token = ticket_portal_token(ticket)
    base = str(settings.VENTANILLA_BASE_URL).rstrip("/")

    def url(value: str) -> str:
        return base + reverse("portal:rate", kwargs={"token": token, "rating": value})

    return url(Rating.GOOD), url(Rating.BAD)


@dataclass(frozen=True)
class RatingState:
    """What the customer may do about a ticket's rating now (for the portal's page)."""

    current: SatisfactionRating | None
    # None when nothing may be recorded: say why with ``reason`` ("not-resolved", "window-closed").
    changeable_until: datetime | None
    reason: str = ""

    @property
    def open(self) -> bool:
        """True when a rating (or a change) may be recorded now."""
        return not self.reason


def ticket_rating(*, ticket: Ticket) -> SatisfactionRating | None:
    """Return the ticket's rating, or None when the customer gave none."""
    return SatisfactionRating.objects.filter(ticket=ticket).first()


def ticket_rating_state(*, ticket: Ticket, now: datetime | None = None) -> RatingState:
    """Return whether the ticket may be rated (or its rating changed) at ``now``."""
    now = now or timezone.now()
    current = ticket_rating(ticket=ticket)
    if current is None:
        if ticket.status not in RATEABLE_STATUSES:
            return RatingState(current=None, changeable_until=None, reason="not-resolved")
        return RatingState(current=None, changeable_until=None)
    until = current.created_at + rating_window()
    if now >= until:
        return RatingState(current=current, changeable_until=until, reason="window-closed")
    return RatingState(current=current, changeable_until=until)


def _refusal(reason: str) -> ValidationError:
    if reason == "not-resolved":
        return ValidationError(_("This request is not solved yet."), code=reason)
    return ValidationError(_("This rating can no longer be changed."), code=reason)


@transaction.atomic
def ticket_rate(
    *, ticket: Ticket, rating: str, comment: str = "", now: datetime | None = None
) -> SatisfactionRating:
    """Record the customer's ``rating`` ("good"/"bad") and ``comment`` of ``ticket``.

    Creates the ticket's one rating, or changes it within the window. Raises
    ``ValidationError`` (codes ``bad-rating``, ``not-resolved``, ``window-closed``).
    Recording the same value and comment again changes nothing and writes no audit row.
    """
    if rating not in Rating.values:
        raise ValidationError(_("Choose good or bad."), code="bad-rating")
    comment = comment.strip()[:COMMENT_MAX_CHARS]
    # The ticket's row lock serialises two clicks at once (PostgreSQL; SQLite's writes are
    # serial anyway): the second one sees the first one's rating and changes it.
    locked = (
        Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
    )
    state = ticket_rating_state(ticket=locked, now=now)
    if not state.open:
        raise _refusal(state.reason)
    current = state.current
    previous = current.rating if current is not None else ""
    if current is None:
        current = SatisfactionRating.objects.create(ticket=locked, rating=rating, comment=comment)
    elif (current.rating, current.comment) == (rating, comment):
        return current
    else:
        current.rating, current.comment = rating, comment
        current.save(update_fields=["rating", "comment", "updated_at"])
    events.ticket_rated_event(
        ticket=locked,
        rating=rating,
        previous=previous,
        has_comment=bool(comment),
        actor=locked.customer.email,
    )
    return current
