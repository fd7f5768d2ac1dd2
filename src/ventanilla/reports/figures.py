"""Summed rollup figures of one group (a period, a team, an agent...), and what they mean.

Pure: built from the dictionaries the report queries return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ventanilla.reports.buckets import quantile
from ventanilla.reports.columns import HISTOGRAMS, hist_columns


@dataclass
class Figures:
    """Sums of rollup columns; missing columns read as 0."""

    sums: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Mapping[str, object]) -> Figures:
        """From a query row (``Sum`` gives None for no rows)."""
        return cls({k: int(v) for k, v in row.items() if isinstance(v, int)})

    def add(self, other: Figures) -> None:
        """Add ``other`` in place."""
        for k, v in other.sums.items():
            self.sums[k] = self.sums.get(k, 0) + v

    def __getitem__(self, column: str) -> int:
        return self.sums.get(column, 0)

    def quantile(self, histogram: str, q: float) -> float | None:
        """The ``q`` quantile in minutes of ``histogram`` (frw, frb, rsw, rsb)."""
        assert histogram in HISTOGRAMS
        return quantile([self[c] for c in hist_columns(histogram)], q)

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        """``part / whole`` or None when there is nothing to divide."""
        return part / whole if whole > 0 else None

    @property
    def fr_compliance(self) -> float | None:
        """Share of first responses within target (of those with a target)."""
        return self.share(self["fr_met"], self["fr_met"] + self["fr_missed"])

    @property
    def res_compliance(self) -> float | None:
        """Share of resolutions with no resolution breach."""
        return self.share(self["res_met"], self["res_met"] + self["res_missed"])

    @property
    def good_share(self) -> float | None:
        """Share of good ratings."""
        return self.share(self["rated_good"], self["rated_good"] + self["rated_bad"])

    @property
    def inbound(self) -> int:
        """Inbound articles of every kind."""
        return self["in_mail"] + self["in_auto"] + self["in_bounce"]

    @property
    def automatic_share(self) -> float | None:
        """Share of inbound articles that were automatic replies or bounces."""
        return self.share(self["in_auto"] + self["in_bounce"], self.inbound)

    @property
    def bounce_share(self) -> float | None:
        """Share of inbound articles that were bounces."""
        return self.share(self["in_bounce"], self.inbound)

    @property
    def backlog_change(self) -> int:
        """Tickets that entered the backlog minus those that left it."""
        return self["created"] + self["reopened"] - self["resolved"] - self["merged"]
