"""The report: a few aggregate queries over the rollup rows of a period and its filters.

However many tickets there are, a report reads only rollup rows: about (days or weeks) ×
(combinations of mailbox, team, agent, priority and channel that had any activity), then
sums columns. Four queries: the series, the breakdown by priority × team × agent, the
organisations and the tags, plus one sum for the backlog before the period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ventanilla.customers.models import Organisation
from ventanilla.reports.columns import ALL_HIST, COUNTERS, HOURS, VALUES, WEEKDAYS
from ventanilla.reports.figures import Figures
from ventanilla.reports.models import Rollup
from ventanilla.reports.periods import Period
from ventanilla.tickets.models import SatisfactionRating

BREAKDOWN = (
    "created",
    "resolved",
    "fr_met",
    "fr_missed",
    "res_met",
    "res_missed",
    "breach_fr",
    "breach_res",
    "rated_good",
    "rated_bad",
    *ALL_HIST,
)
BACKLOG = ("created", "resolved", "reopened", "merged")


@dataclass(frozen=True)
class Filters:
    """What the report is limited to (None: everything)."""

    mailbox: int | None = None
    team: str | None = None
    agent: str | None = None
    priority: int | None = None
    channel: str | None = None
    organisation: int | None = None
    tag: str | None = None

    def facet(self) -> str:
        """The facet rows that hold exactly the tickets of the organisation and tag filters."""
        parts = []
        if self.organisation is not None:
            parts.append(f"o:{self.organisation}")
        if self.tag is not None:
            parts.append(f"t:{self.tag}")
        return "|".join(parts)

    def dims_q(self) -> Q:
        """The condition on the plain dimensions."""
        wanted = {
            "mailbox": self.mailbox,
            "team": self.team,
            "agent": self.agent,
            "priority": self.priority,
            "channel": self.channel,
        }
        return Q(**{k: v for k, v in wanted.items() if v is not None})


@dataclass
class Point:
    """One point of the volume series."""

    start: date
    figures: Figures = field(default_factory=Figures)
    backlog: int = 0


@dataclass
class Report:
    """Everything a report page shows."""

    period: Period
    filters: Filters
    totals: Figures
    series: list[Point]
    by_priority: dict[int, Figures]
    by_team: dict[str, Figures]
    by_agent: dict[str, Figures]
    by_organisation: list[tuple[str, Figures]]
    by_tag: list[tuple[str, Figures]]
    comments: list[SatisfactionRating]


def _sums(columns: tuple[str, ...]) -> dict[str, Sum]:
    return {c: Sum(c) for c in columns}


def _rows(period: Period, filters: Filters, facet_q: Q) -> QuerySet[Rollup]:
    return Rollup.objects.filter(period.rows_q(), facet_q, filters.dims_q())


def report_build(*, period: Period, filters: Filters, comments: int = 10) -> Report:
    """Return the report of ``period`` limited by ``filters``."""
    rows = _rows(period, filters, Q(facet=filters.facet()))
    series = _series(period, filters, rows)
    totals = Figures()
    by_priority: dict[int, Figures] = defaultdict(Figures)
    by_team: dict[str, Figures] = defaultdict(Figures)
    by_agent: dict[str, Figures] = defaultdict(Figures)
    # One pass over the rows for every column: the totals are the sum of the groups.
    for row in rows.values("priority", "team", "agent").annotate(**_sums(VALUES)):
        figures = Figures.of(row)
        figures.sums.pop("priority", None)  # a key of the group, not a figure
        if not any(figures.sums.values()):
            continue  # a count that moved away on arrival leaves a row of zeros
        totals.add(figures)
        by_priority[row["priority"]].add(figures)
        by_team[row["team"]].add(figures)
        by_agent[row["agent"]].add(figures)
    return Report(
        period=period,
        filters=filters,
        totals=totals,
        series=series,
        by_priority=dict(sorted(by_priority.items())),
        by_team=dict(sorted(by_team.items())),
        by_agent=dict(sorted(by_agent.items())),
        by_organisation=_organisations(period, filters),
        by_tag=_tags(period, filters),
        comments=_comments(period, filters, comments),
    )


def _series(period: Period, filters: Filters, rows: QuerySet[Rollup]) -> list[Point]:
    points = {start: Point(start) for start in period.buckets()}
    for row in rows.values("grain", "start").annotate(**_sums(BACKLOG)):
        points[period.bucket(row["start"])].figures.add(Figures.of(row))
    before = Rollup.objects.filter(period.before_q(), filters.dims_q(), facet=filters.facet())
    backlog = Figures.of(before.aggregate(**_sums(BACKLOG))).backlog_change
    for point in points.values():
        backlog += point.figures.backlog_change
        point.backlog = backlog
    return list(points.values())


def _prefix(prefix: str) -> Q:
    """Facets starting with ``prefix``, as a range the index can seek (LIKE cannot, here)."""
    return Q(facet__gte=prefix, facet__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _facet_groups(
    period: Period, filters: Filters, facet_q: Q, columns: tuple[str, ...]
) -> dict[str, Figures]:
    rows = _rows(period, filters, facet_q).values("facet").annotate(**_sums(columns))
    groups = {row["facet"]: Figures.of(row) for row in rows}
    return {facet: f for facet, f in groups.items() if any(f.sums.values())}


def _organisations(period: Period, filters: Filters, limit: int = 15) -> list[tuple[str, Figures]]:
    if filters.tag is not None:
        facet_q = _prefix("o:") & Q(facet__endswith=f"|t:{filters.tag}")
    else:
        facet_q = _prefix("o:") & ~Q(facet__contains="|")
    if filters.organisation is not None:
        facet_q &= _prefix(f"o:{filters.organisation}|") | Q(facet=f"o:{filters.organisation}")
    groups = _facet_groups(period, filters, facet_q, BREAKDOWN)
    ids = {int(f.split("|")[0][2:]): f for f in groups}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    ranked = sorted(ids.items(), key=lambda item: -groups[item[1]]["created"])[:limit]
    return [(names.get(pk, str(pk)), groups[facet]) for pk, facet in ranked]


def _tags(period: Period, filters: Filters, limit: int = 15) -> list[tuple[str, Figures]]:
    prefix = f"o:{filters.organisation}|t:" if filters.organisation is not None else "t:"
    facet_q = _prefix(prefix)
    if filters.tag is not None:
        facet_q = Q(facet=f"{prefix}{filters.tag}")
    groups = _facet_groups(period, filters, facet_q, ("tagged", "resolved"))
    ranked = sorted(groups.items(), key=lambda item: (-item[1]["tagged"], item[0]))[:limit]
    return [(facet[len(prefix) :], figures) for facet, figures in ranked]


def _comments(period: Period, filters: Filters, limit: int) -> list[SatisfactionRating]:
    """The latest ratings with a comment on tickets that match the filters now."""
    # A range of instants, not ``__date``: SQLite would call a Python function per row.
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.first, time.min, tzinfo=tz)
    end = datetime.combine(period.last + timedelta(days=1), time.min, tzinfo=tz)
    ratings = SatisfactionRating.objects.exclude(comment="").filter(
        updated_at__gte=start, updated_at__lt=end
    )
    ticket_filters = {
        "ticket__mailbox_id": filters.mailbox,
        "ticket__team__name": filters.team,
        "ticket__assignee__username": filters.agent,
        "ticket__priority": filters.priority,
        "ticket__customer__organisation_id": filters.organisation,
        "ticket__tags__name": filters.tag,
    }
    ratings = ratings.filter(**{k: v for k, v in ticket_filters.items() if v is not None})
    return list(ratings.select_related("ticket").order_by("-updated_at")[:limit])


__all__ = ["COUNTERS", "HOURS", "WEEKDAYS", "Filters", "Report", "report_build"]
