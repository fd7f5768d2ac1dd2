"""Rows that let several hosts share one installation: leases, periodic runs, heartbeats.

They live in ``core`` because every layer uses them (the IMAP poller's lease is taken in
``intake``, the periodic tasks are registered by every layer) and ``core`` imports no other app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lease(models.Model):
    """A named lock with an owner and an end: a task lock or an IMAP account's poller.

    The owner is ``node:pid``; a lease whose end has passed belongs to nobody, so a host that
    dies (SIGKILL, power) holds nothing for longer than ``expires_at`` says.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    holder = models.CharField(_("holder"), max_length=200)
    acquired_at = models.DateTimeField(_("acquired at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")

    def __str__(self) -> str:
        """Name and holder."""
        return f"{self.name} ({self.holder})"


class PeriodicRun(models.Model):
    """One period of one periodic task, claimed by the first scheduler that reached it.

    The unique pair (task, period) makes each periodic task run once per period across the
    cluster; ``runs`` counts the executions the workers started, for the record.
    """

    task = models.CharField(_("task"), max_length=200)
    period = models.DateTimeField(_("period"))
    task_id = models.CharField(_("task id"), max_length=64, db_index=True)
    scheduled_by = models.CharField(_("scheduled by"), max_length=200)
    executed_by = models.CharField(_("executed by"), max_length=200, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="core_periodic_once"),
        ]

    def __str__(self) -> str:
        """Task and period."""
        return f"{self.task} @ {self.period:%Y-%m-%d %H:%M}"


class NodeBeat(models.Model):
    """The heartbeat of one process on one host: who it is, what it runs, when it last beat."""

    node = models.CharField(_("host"), max_length=200)
    process = models.CharField(_("process"), max_length=40)
    roles = models.CharField(_("roles"), max_length=200, blank=True)
    pid = models.PositiveIntegerField(_("pid"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last beat"))
    queue_depth = models.IntegerField(_("queue depth"), null=True, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        constraints = [
            models.UniqueConstraint(fields=["node", "process"], name="core_nodebeat_once"),
        ]

    def __str__(self) -> str:
        """Host and process."""
        return f"{self.node}/{self.process}"
