"""Priority and SLA configuration: the urgency × impact matrix, calendars, holidays, targets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.tickets.models.ticket import Level, Priority


class PriorityCell(models.Model):
    """One cell of the configurable urgency × impact → priority matrix."""

    urgency = models.CharField(_("urgency"), max_length=8, choices=Level.choices)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    class Meta:
        verbose_name = _("priority matrix cell")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=["urgency", "impact"], name="prioritycell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.urgency} × {self.impact} → P{self.priority}"


class BusinessCalendar(models.Model):
    """Working hours and holidays that SLA clocks count in.

    ``hours`` maps ISO weekday (1 = Monday) to ``[["09:00", "14:00"], ["15:00", "18:00"]]``.
    With ``spanish_holidays`` the national holidays of Spain (including Good Friday) count
    as closed days in every year, besides the ``Holiday`` rows.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Madrid")
    hours = models.JSONField(_("working hours"), default=dict)
    spanish_holidays = models.BooleanField(_("Spanish national holidays"), default=True)
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A closed day of one calendar (regional or local holidays, company days off)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_calendar_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Targets for one priority, in business minutes of ``calendar``."""

    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, unique=True
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    # Warn the assignee and supervisors when this share of the time has gone.
    warn_percent = models.PositiveSmallIntegerField(_("warn at (% of the time)"), default=80)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["priority"]

    def __str__(self) -> str:
        return f"P{self.priority}: {self.first_response_minutes}/{self.resolution_minutes} min"
