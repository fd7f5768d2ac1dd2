"""The weekly summary mail to supervisors and admins, and their opt-out.

Every Monday the worker queues, for each active supervisor and admin with an address who
did not opt out, last week's headline figures in his language through the outbox
(``outbound/kinds/weekly_summary.py``); the mail links to the reports page.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from ventanilla.agents.models import Role
from ventanilla.agents.names import agent_display_name
from ventanilla.agents.notify import agent_language
from ventanilla.mail.models import Mailbox, OutboundMessage
from ventanilla.outbound.addresses import AddressError
from ventanilla.outbound.kinds.notification import NotifiedAgent, notification_mailbox
from ventanilla.outbound.kinds.weekly_summary import WeeklyFigures, weekly_summary_draft
from ventanilla.outbound.services import outbound_queue
from ventanilla.reports.models import SummaryOptOut
from ventanilla.reports.periods import Period
from ventanilla.reports.selectors import Filters, Report, report_build
from ventanilla.reports.tables import minutes_text, percent_text


def summary_opted_out(*, user_id: int | None) -> bool:
    """True when the user ``user_id`` asked not to receive the weekly summary."""
    return user_id is not None and SummaryOptOut.objects.filter(user_id=user_id).exists()


@transaction.atomic
def summary_opt_set(*, user_id: int, receive: bool) -> None:
    """Record whether the user ``user_id`` wants the weekly summary."""
    if receive:
        SummaryOptOut.objects.filter(user_id=user_id).delete()
    else:
        SummaryOptOut.objects.get_or_create(user_id=user_id)


def summary_recipients() -> list[User]:
    """Active supervisors and admins with an address who did not opt out."""
    opted_out = SummaryOptOut.objects.values("user_id")
    return list(
        User.objects.filter(is_active=True, agent__role__in=[Role.SUPERVISOR, Role.ADMIN])
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .select_related("agent")
        .order_by("pk")
    )


def last_week(today: date) -> Period:
    """Monday to Sunday of the week before the one of ``today``."""
    monday = today - timedelta(days=today.weekday() + 7)
    return Period(monday, monday + timedelta(days=6))


def weekly_figures(report: Report) -> WeeklyFigures:
    """The report's headline figures as text, in the active language."""
    t = report.totals
    url = str(settings.VENTANILLA_BASE_URL).rstrip("/") + reverse("reports:home")
    query = f"?first={report.period.first:%Y-%m-%d}&last={report.period.last:%Y-%m-%d}"
    return WeeklyFigures(
        first_day=date_format(report.period.first, "SHORT_DATE_FORMAT"),
        last_day=date_format(report.period.last, "SHORT_DATE_FORMAT"),
        created=str(t["created"]),
        resolved=str(t["resolved"]),
        backlog=str(report.series[-1].backlog if report.series else 0),
        first_response_median=minutes_text(t.quantile("frb", 0.5)),
        resolution_median=minutes_text(t.quantile("rsb", 0.5)),
        first_response_sla=percent_text(t.fr_compliance),
        resolution_sla=percent_text(t.res_compliance),
        good_ratings=percent_text(t.good_share),
        url=url + query,
    )


@transaction.atomic
def weekly_summaries_queue(*, today: date) -> list[OutboundMessage]:
    """Queue last week's summary for every recipient; return the outbox rows."""
    mailbox: Mailbox | None = notification_mailbox(None)
    if mailbox is None:
        return []
    report = report_build(period=last_week(today), filters=Filters())
    queued = []
    for user in summary_recipients():
        language = agent_language(user)
        with translation.override(language):
            figures = weekly_figures(report)
        name = agent_display_name(user)
        agent = NotifiedAgent(name, user.first_name.strip() or name, user.email, language)
        try:
            with transaction.atomic():  # a bad address must not cancel the others' mail
                queued.append(
                    outbound_queue(
                        draft=weekly_summary_draft(agent=agent, figures=figures, mailbox=mailbox)
                    )
                )
        except AddressError:
            continue
    return queued
