"""The report's tables as plain rows of text: what the page shows and the CSV holds.

The page and the CSV download both render these ``Table`` values, so a downloaded file
always says what the table on the screen says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ventanilla.reports.figures import Figures
from ventanilla.reports.selectors import Report


@dataclass(frozen=True)
class Table:
    """A titled table: a header row and rows of cells, all text."""

    slug: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def minutes_text(minutes: float | None) -> str:
    """A duration for people: "45 min", "3.5 h", "2.1 d" ("–" for none)."""
    if minutes is None:
        return "–"
    if minutes < 90:
        return _("%(n)s min") % {"n": number_format(round(minutes), 0)}
    if minutes < 48 * 60:
        return _("%(n)s h") % {"n": number_format(minutes / 60, 1)}
    return _("%(n)s d") % {"n": number_format(minutes / 1440, 1)}


def percent_text(share: float | None) -> str:
    """A share as a percentage ("–" for none)."""
    return "–" if share is None else f"{number_format(share * 100, 0)} %"


def _times_header(first: str) -> tuple[str, ...]:
    return (
        first,
        pgettext("tickets", "Created"),
        _("Resolved"),
        _("First response, median (business)"),
        _("First response, p90 (business)"),
        _("Resolution, median (business)"),
        _("Resolution, p90 (business)"),
        _("First response within SLA"),
        _("Resolution within SLA"),
        _("SLA breaches"),
    )


def _times_row(label: str, f: Figures) -> tuple[str, ...]:
    return (
        label,
        str(f["created"]),
        str(f["resolved"]),
        minutes_text(f.quantile("frb", 0.5)),
        minutes_text(f.quantile("frb", 0.9)),
        minutes_text(f.quantile("rsb", 0.5)),
        minutes_text(f.quantile("rsb", 0.9)),
        percent_text(f.fr_compliance),
        percent_text(f.res_compliance),
        str(f["breach_fr"] + f["breach_res"]),
    )


def volume_table(report: Report) -> Table:
    """Created, resolved, reopened and the backlog, per day or week."""
    header = (
        _("Week of") if report.period.weekly else _("Day"),
        pgettext("tickets", "Created"),
        _("Resolved"),
        _("Reopened"),
        _("Backlog"),
    )
    rows = tuple(
        (
            date_format(p.start, "SHORT_DATE_FORMAT"),
            str(p.figures["created"]),
            str(p.figures["resolved"]),
            str(p.figures["reopened"]),
            str(p.backlog),
        )
        for p in report.series
    )
    return Table("volume", _("Tickets over time"), header, rows)


def times_table(report: Report) -> Table:
    """First response and resolution, median and p90, wall and business time."""
    t = report.totals
    header = (
        _("Measure"),
        _("Median (business)"),
        _("p90 (business)"),
        _("Median (wall clock)"),
        _("p90 (wall clock)"),
        _("Count"),
    )
    rows = (
        (
            _("First response"),
            *(
                minutes_text(t.quantile(h, q))
                for h, q in (("frb", 0.5), ("frb", 0.9), ("frw", 0.5), ("frw", 0.9))
            ),
            str(t["fr_count"]),
        ),
        (
            _("Resolution"),
            *(
                minutes_text(t.quantile(h, q))
                for h, q in (("rsb", 0.5), ("rsb", 0.9), ("rsw", 0.5), ("rsw", 0.9))
            ),
            str(t["resolved"]),
        ),
    )
    return Table("times", _("Response and resolution times"), header, rows)


def _breakdown(slug: str, title: str, first: str, groups: list[tuple[str, Figures]]) -> Table:
    return Table(
        slug, title, _times_header(first), tuple(_times_row(label, f) for label, f in groups)
    )


def priority_table(report: Report) -> Table:
    """The figures per priority."""
    groups = [(f"P{p}", f) for p, f in report.by_priority.items()]
    return _breakdown("priority", _("By priority"), _("Priority"), groups)


def team_table(report: Report) -> Table:
    """The figures per team."""
    groups = [(name or _("(no team)"), f) for name, f in report.by_team.items()]
    return _breakdown("team", _("By team"), _("Team"), groups)


def agent_table(report: Report) -> Table:
    """The figures per agent."""
    groups = [(name or _("(unassigned)"), f) for name, f in report.by_agent.items()]
    return _breakdown("agent", _("By agent"), _("Agent"), groups)


def organisation_table(report: Report) -> Table:
    """The figures of the organisations with most tickets."""
    return _breakdown(
        "organisation", _("By organisation"), _("Organisation"), report.by_organisation
    )


def tag_table(report: Report) -> Table:
    """The most used tags."""
    header = (_("Tag"), _("Tickets tagged"), _("Resolved with the tag"))
    rows = tuple((tag, str(f["tagged"]), str(f["resolved"])) for tag, f in report.by_tag)
    return Table("tags", _("Top tags"), header, rows)


def satisfaction_table(report: Report) -> Table:
    """Ratings: good, bad, share of good, comments."""
    t = report.totals
    header = (_("Good"), _("Bad"), _("Share of good ratings"), _("With a comment"))
    rows = (
        (
            str(t["rated_good"]),
            str(t["rated_bad"]),
            percent_text(t.good_share),
            str(t["rated_comment"]),
        ),
    )
    return Table("satisfaction", _("Satisfaction"), header, rows)


def mail_table(report: Report) -> Table:
    """Inbound mail: written by people, automatic replies, bounces."""
    t = report.totals
    header = (
        _("Mail from people"),
        _("Automatic replies"),
        _("Bounces"),
        _("Share automatic"),
        _("Share bounces"),
    )
    rows = (
        (
            str(t["in_mail"]),
            str(t["in_auto"]),
            str(t["in_bounce"]),
            percent_text(t.automatic_share),
            percent_text(t.bounce_share),
        ),
    )
    return Table("mail", _("Incoming mail"), header, rows)


WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


def busy_table(report: Report) -> Table:
    """New tickets per hour of the day and per weekday."""
    t = report.totals
    header = (
        _("Hour"),
        pgettext("tickets", "Created"),
        _("Weekday"),
        pgettext("tickets", "Created"),
    )
    rows = tuple(
        (
            f"{h:02d}:00",
            str(t[f"ch{h:02d}"]),
            str(WEEKDAY_NAMES[h]) if h < 7 else "",
            str(t[f"cd{h}"]) if h < 7 else "",
        )
        for h in range(24)
    )
    return Table("busy", _("Busiest hours and weekdays"), header, rows)


TABLES: dict[str, Callable[[Report], Table]] = {
    "volume": volume_table,
    "times": times_table,
    "priority": priority_table,
    "team": team_table,
    "agent": agent_table,
    "organisation": organisation_table,
    "tags": tag_table,
    "satisfaction": satisfaction_table,
    "mail": mail_table,
    "busy": busy_table,
}
