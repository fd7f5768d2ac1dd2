"""The report's charts: which figures each picture shows."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ventanilla.reports.charts import Series, bar_chart, line_chart, stacked_bar_chart
from ventanilla.reports.selectors import Report
from ventanilla.reports.tables import WEEKDAY_NAMES


def report_charts(report: Report) -> dict[str, SafeString]:
    """Every chart of ``report`` as inline SVG, by name."""
    labels = [date_format(p.start, "j M") for p in report.series]
    priorities = list(report.by_priority.items())
    teams = [(name or _("(no team)"), f) for name, f in report.by_team.items()]
    return {
        "volume": line_chart(
            title=_("Tickets created, resolved and reopened"),
            labels=labels,
            series=[
                Series(
                    pgettext("tickets", "Created"), [p.figures["created"] for p in report.series]
                ),
                Series(_("Resolved"), [p.figures["resolved"] for p in report.series]),
                Series(_("Reopened"), [p.figures["reopened"] for p in report.series]),
            ],
        ),
        "backlog": line_chart(
            title=_("Backlog (open tickets)"),
            labels=labels,
            series=[Series(_("Backlog"), [max(p.backlog, 0) for p in report.series])],
        ),
        "sla": stacked_bar_chart(
            title=_("First response within SLA, by priority"),
            labels=[f"P{p}" for p, _f in priorities],
            series=[
                Series(_("Within target"), [f["fr_met"] for _p, f in priorities]),
                Series(_("Late"), [f["fr_missed"] for _p, f in priorities]),
            ],
        ),
        "resolution": bar_chart(
            title=_("Median resolution time by team (business hours)"),
            labels=[name for name, _f in teams],
            values=[(f.quantile("rsb", 0.5) or 0) / 60 for _n, f in teams],
        ),
        "hours": bar_chart(
            title=_("New tickets by hour of the day"),
            labels=[f"{h:02d}" for h in range(24)],
            values=[report.totals[f"ch{h:02d}"] for h in range(24)],
        ),
        "weekdays": bar_chart(
            title=_("New tickets by weekday"),
            labels=[str(name)[:3] for name in WEEKDAY_NAMES],
            values=[report.totals[f"cd{d}"] for d in range(7)],
        ),
    }
