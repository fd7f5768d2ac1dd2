"""The customer's satisfaction with how a ticket was solved: one rating per ticket.

Kept with the tickets because reports read it beside the ticket's own figures. The customer
gives it from the resolution notice (good or bad, an optional comment) and may change it for
``VENTANILLA_RATING_DAYS`` after giving it (``tickets/satisfaction.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ventanilla.tickets.models.ticket import Ticket


class Rating(models.TextChoices):
    """How the customer judged the solution."""

    # Feminine in Spanish: it qualifies "la valoración" / "la solución".
    GOOD = "good", pgettext_lazy("rating", "good")
    BAD = "bad", pgettext_lazy("rating", "bad")


class SatisfactionRating(models.Model):
    """A ticket's rating by its customer (one row per ticket, changed in place)."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="satisfaction", verbose_name=_("ticket")
    )
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rating}"
