"""Rollups: counters per period × mailbox × team × agent × priority × channel × facet.

``Rollup`` rows are kept as tickets change (``listeners.py``, in the transaction of the
audit event) and recomputed from the audit events by ``ventanilla reports rebuild``. Each
event adds to one row per grain (``d``: the local day; ``w``: the ISO week, Monday) and per
facet: ``""`` (every ticket), ``o:<organisation>``, ``t:<tag>`` and ``o:<org>|t:<tag>``, so
a filter by organisation or tag reads its own rows and the plain rows stay few.

Team and agent are kept by name (team name, username) as the audit events record them;
"" means none. ``TicketState`` is what the fold needs to remember of each ticket between
events (its current team, agent, priority, tags, and whether a breach is pending).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.reports.columns import VALUES


class Rollup(models.Model):
    """Counts of one period (day or week), one combination of dimensions and one facet."""

    grain = models.CharField(max_length=1)
    start = models.DateField()
    mailbox = models.IntegerField()
    team = models.CharField(max_length=150)
    agent = models.CharField(max_length=150)
    priority = models.SmallIntegerField()
    channel = models.CharField(max_length=16)
    facet = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "start",
                    "mailbox",
                    "team",
                    "agent",
                    "priority",
                    "channel",
                    "facet",
                ],
                name="rollup_key",
            )
        ]
        indexes = [models.Index(fields=["grain", "facet", "start"], name="rollup_scan")]

    def __str__(self) -> str:
        return f"{self.grain}{self.start} {self.facet or '*'}"


# Every figure is an integer column with a database default of 0: the upsert names only
# the columns a batch changed, so the others must default in the database itself.
for _name in VALUES:
    models.IntegerField(default=0, db_default=0).contribute_to_class(Rollup, _name)


class TicketState(models.Model):
    """What the rollups remember of one ticket between its events."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    mailbox = models.IntegerField()
    organisation = models.IntegerField()  # 0: none
    channel = models.CharField(max_length=16)
    received_at = models.DateTimeField()
    team = models.CharField(max_length=150)
    agent = models.CharField(max_length=150)
    priority = models.SmallIntegerField()
    tags = models.TextField()  # JSON list of tag names
    resolution_breached = models.BooleanField()
    arriving = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.ticket_id)


class SummaryOptOut(models.Model):
    """A supervisor who asked not to receive the weekly summary mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly summary opt-out")
        verbose_name_plural = _("weekly summary opt-outs")

    def __str__(self) -> str:
        return str(self.user_id)
