"""The figures a rollup row counts: one integer column per counter and per histogram bucket.

Pure names, shared by the model, the fold that computes deltas and the queries that sum
them, so the three can never disagree on a column.
"""

from __future__ import annotations

from ventanilla.reports.buckets import BUCKETS

COUNTERS: tuple[str, ...] = (
    "created",
    "resolved",
    "reopened",
    "merged",  # closed without being resolved (merged into another ticket): leaves the backlog
    "fr_count",  # first responses
    "fr_met",  # first response within its SLA target
    "fr_missed",
    "res_met",  # resolved with no resolution breach
    "res_missed",
    "breach_fr",  # SLA breach reports (sla-breached events), by target
    "breach_res",
    "rated_good",
    "rated_bad",
    "rated_comment",
    "in_mail",  # inbound articles: mail written by a person
    "in_auto",  # automatic replies (RFC 3834)
    "in_bounce",  # delivery failure reports (RFC 3464)
    "tagged",  # a tag added to a ticket (counted on the tag's facet rows)
)
HOURS: tuple[str, ...] = tuple(f"ch{h:02d}" for h in range(24))  # created per local hour
WEEKDAYS: tuple[str, ...] = tuple(f"cd{d}" for d in range(7))  # created per weekday, 0 Monday
# Durations: first response and resolution, in wall-clock and in business minutes.
HISTOGRAMS: tuple[str, ...] = ("frw", "frb", "rsw", "rsb")


def hist_columns(name: str) -> tuple[str, ...]:
    """Return the bucket columns of histogram ``name`` (``frw_00`` ... ``frw_24``)."""
    return tuple(f"{name}_{i:02d}" for i in range(BUCKETS))


ALL_HIST: tuple[str, ...] = tuple(c for h in HISTOGRAMS for c in hist_columns(h))
VALUES: tuple[str, ...] = COUNTERS + HOURS + WEEKDAYS + ALL_HIST
KEY: tuple[str, ...] = (
    "grain",
    "start",
    "mailbox",
    "team",
    "agent",
    "priority",
    "channel",
    "facet",
)
