"""Admin of the ticket configuration: priority matrix, SLA targets, calendars, canned
responses and tags (imported by ``tickets/admin.py``, which Django autodiscovers).

Every save or delete here clears the cached SLA snapshot of this process (signals in
``tickets/apps.py``); other processes pick the change up within ``sla_config.CONFIG_TTL``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ventanilla.tickets.businesstime import parse_week
from ventanilla.tickets.models import (
    BusinessCalendar,
    CannedResponse,
    Holiday,
    PriorityCell,
    SlaPolicy,
    Tag,
)

HOURS_HELP = _(
    'ISO weekday (1 = Monday) to opening intervals, e.g. {"1": [["09:00", "14:00"], '
    '["15:00", "18:00"]], "2": ...}. Days left out are closed. "24:00" ends the day.'
)


@admin.register(PriorityCell)
class PriorityCellAdmin(admin.ModelAdmin[PriorityCell]):
    """The urgency × impact matrix, editable in the list."""

    list_display = ("urgency", "impact", "priority")
    list_editable = ("priority",)
    ordering = ("urgency", "impact")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    """SLA targets per priority, in business minutes."""

    list_display = (
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "warn_percent",
        "calendar",
    )
    list_editable = ("first_response_minutes", "resolution_minutes", "warn_percent", "calendar")


class HolidayInline(admin.TabularInline[Holiday, BusinessCalendar]):
    """A calendar's own closed days (regional and local holidays, company days off)."""

    model = Holiday
    extra = 1


class BusinessCalendarForm(forms.ModelForm[BusinessCalendar]):
    """Checks the opening hours, which the SLA maths would otherwise skip silently."""

    class Meta:
        model = BusinessCalendar
        fields = ("name", "time_zone", "hours", "spanish_holidays", "is_default")
        help_texts = {"hours": HOURS_HELP}

    def clean_hours(self) -> Any:
        """Refuse hours with malformed entries (every interval must be "HH:MM" < "HH:MM")."""
        hours = self.cleaned_data["hours"]
        if not isinstance(hours, dict):
            raise forms.ValidationError(HOURS_HELP)
        given = sum(len(spans) if isinstance(spans, list) else 1 for spans in hours.values())
        if sum(len(day) for day in parse_week(hours)) != given:
            raise forms.ValidationError(HOURS_HELP)
        return hours


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    """Working hours, time zone and holidays that SLA clocks count in."""

    form = BusinessCalendarForm
    list_display = ("name", "time_zone", "spanish_holidays", "is_default")
    inlines = (HolidayInline,)


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin[CannedResponse]):
    """Reusable answers, per language and optionally per team."""

    list_display = ("title", "language", "team")
    list_filter = ("language", "team")
    search_fields = ("title", "body")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    """Free labels on tickets."""

    list_display = ("name",)
    search_fields = ("name",)
