"""The fold: audit events in, rollup deltas out. Pure: no database, no settings.

The same function serves the listener (one batch of fresh events) and the rebuild (every
event of a range of tickets), so a rebuilt table equals the one kept live as long as each
ticket's events are folded in order. Dimensions are those of the ticket *at the event*:
its team, agent and priority as the earlier events set them.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ventanilla.reports.buckets import bucket_of
from ventanilla.tickets.businesstime import Calendar, business_minutes_between

Key = tuple[str, date, int, str, str, int, str, str]
Deltas = defaultdict[Key, Counter[str]]
DONE = frozenset({"resolved", "closed"})
DEFAULT_PRIORITY = 3


@dataclass(frozen=True)
class EventRow:
    """One audit event as the fold reads it."""

    ticket_id: int
    kind: str
    data: Mapping[str, Any]
    at: datetime


@dataclass(frozen=True)
class Facts:
    """What never changes on a ticket: where and when it came in, and whose it is."""

    mailbox: int
    organisation: int
    channel: str
    received_at: datetime


@dataclass
class State:
    """A ticket as the rollups know it between events."""

    facts: Facts
    team: str = ""
    agent: str = ""
    priority: int = DEFAULT_PRIORITY
    tags: list[str] = field(default_factory=list)
    resolution_breached: bool = False
    # Until a person acts on it, the ticket is still arriving: routing, triage and tags set
    # by the pipeline move its "created" count, so that count lands under the team, agent
    # and priority it was given on arrival, not under "nobody".
    arriving: bool = True

    def tags_json(self) -> str:
        """The tags as stored in ``TicketState.tags``."""
        return json.dumps(self.tags, ensure_ascii=False)


@dataclass
class Fold:
    """Folds events into ``deltas``, keeping each ticket's ``states`` up to date."""

    tz: ZoneInfo
    calendar_for: Callable[[int], Calendar]
    states: dict[int, State]
    deltas: Deltas = field(default_factory=lambda: defaultdict(Counter))
    changed: set[int] = field(default_factory=set)

    def run(self, events: Iterable[EventRow], facts: Mapping[int, Facts]) -> None:
        """Fold ``events`` in order; ``facts`` gives tickets without a state yet."""
        for event in events:
            state = self.states.get(event.ticket_id)
            if state is None:
                # A ticket first seen by a later event (older than the rollups) is no longer
                # arriving: its creation was never counted here, so nothing may move.
                state = State(facts=facts[event.ticket_id], arriving=event.kind == "created")
                self.states[event.ticket_id] = state
                self.changed.add(event.ticket_id)
            if state.arriving and event.kind not in ARRIVAL_KINDS:
                state.arriving = False
                self.changed.add(event.ticket_id)
            handler = HANDLERS.get(event.kind)
            if handler is not None:
                handler(self, state, event)
                self.changed.add(event.ticket_id)

    def keys(self, state: State, at: datetime, tag: str | None = None) -> list[Key]:
        """The rows an event of ``state`` at ``at`` adds to (``tag``: that tag's rows only)."""
        day = at.astimezone(self.tz).date()
        org = state.facts.organisation
        if tag is not None:
            facets = [f"t:{tag}", *([f"o:{org}|t:{tag}"] if org else [])]
        else:
            tags = [f"t:{t}" for t in state.tags]
            facets = ["", *tags]
            if org:
                facets += [f"o:{org}", *(f"o:{org}|{t}" for t in tags)]
        base = (state.facts.mailbox, state.team, state.agent, state.priority, state.facts.channel)
        week = day - timedelta(days=day.weekday())
        return [(g, s, *base, f) for g, s in (("d", day), ("w", week)) for f in facets]

    def add(
        self, state: State, at: datetime, counts: Mapping[str, int], tag: str | None = None
    ) -> None:
        """Add ``counts`` to every row of the event."""
        for key in self.keys(state, at, tag):
            self.deltas[key].update(counts)

    def durations(self, state: State, end: datetime, wall: str, business: str) -> dict[str, int]:
        """The histogram buckets of the time from arrival to ``end``, wall and business."""
        start = state.facts.received_at
        minutes = (end - start).total_seconds() / 60
        biz = (
            business_minutes_between(start, end, self.calendar_for(state.priority))
            if end > start
            else 0.0
        )
        return {f"{wall}_{bucket_of(minutes):02d}": 1, f"{business}_{bucket_of(biz):02d}": 1}


def _created_counts(fold: Fold, state: State, sign: int = 1) -> dict[str, int]:
    local = state.facts.received_at.astimezone(fold.tz)
    return {"created": sign, f"ch{local.hour:02d}": sign, f"cd{local.weekday()}": sign}


def _created(fold: Fold, state: State, event: EventRow) -> None:
    fold.add(state, state.facts.received_at, _created_counts(fold, state))


def _arrival_change(
    handler: Callable[[Fold, State, EventRow], None],
) -> Callable[[Fold, State, EventRow], None]:
    """Wrap a handler that changes dimensions: while arriving, the created count moves too."""

    def wrapped(fold: Fold, state: State, event: EventRow) -> None:
        if not state.arriving:
            handler(fold, state, event)
            return
        fold.add(state, state.facts.received_at, _created_counts(fold, state, -1))
        handler(fold, state, event)
        fold.add(state, state.facts.received_at, _created_counts(fold, state))

    return wrapped


def _status(fold: Fold, state: State, event: EventRow) -> None:
    if event.data.get("reason") == "import":
        return  # an imported ticket's history status: counted once, by its history-settled row
    previous, new = str(event.data.get("previous", "")), str(event.data.get("new", ""))
    if previous in DONE and new not in DONE:
        fold.add(state, event.at, {"reopened": 1})
    elif new == "resolved" and previous not in DONE:
        _resolved(fold, state, event.at)
    elif new == "closed" and previous not in DONE:
        fold.add(state, event.at, {"merged": 1})


def _resolved(fold: Fold, state: State, at: datetime, *, timed: bool = True) -> None:
    counts = {"resolved": 1, "res_missed" if state.resolution_breached else "res_met": 1}
    if timed:
        counts.update(fold.durations(state, at, "rsw", "rsb"))
    fold.add(state, at, counts)
    state.resolution_breached = False


def _settled(fold: Fold, state: State, event: EventRow) -> None:
    # An imported ticket's history: done when its archive says so. The row is written with
    # the first archived mail of the thread, so its date is no resolution time: the ticket
    # counts as resolved, but not in the durations.
    if event.data.get("status") in DONE:
        at = datetime.fromisoformat(str(event.data["last_activity_at"]))
        _resolved(fold, state, at, timed=False)


def _first_response(fold: Fold, state: State, event: EventRow) -> None:
    raw = event.data.get("at")
    at = datetime.fromisoformat(raw) if isinstance(raw, str) else event.at
    counts = {"fr_count": 1, **fold.durations(state, at, "frw", "frb")}
    within = event.data.get("within_sla")
    if within is not None:
        counts["fr_met" if within else "fr_missed"] = 1
    fold.add(state, event.at, counts)


def _breached(fold: Fold, state: State, event: EventRow) -> None:
    if event.data.get("target") == "resolution":
        state.resolution_breached = True
        fold.add(state, event.at, {"breach_res": 1})
    else:
        fold.add(state, event.at, {"breach_fr": 1})


def _rated(fold: Fold, state: State, event: EventRow) -> None:
    rating, previous = str(event.data.get("rating", "")), str(event.data.get("previous", ""))
    counts: Counter[str] = Counter({f"rated_{rating}": 1})
    if previous:
        counts[f"rated_{previous}"] -= 1
    elif event.data.get("has_comment"):
        counts["rated_comment"] += 1
    fold.add(state, event.at, {k: v for k, v in counts.items() if v})


INBOUND_KINDS = {"mail": "in_mail", "auto-reply": "in_auto", "bounce": "in_bounce"}


def _article(fold: Fold, state: State, event: EventRow) -> None:
    column = INBOUND_KINDS.get(str(event.data.get("kind", "")))
    if event.data.get("direction") == "in" and column is not None:
        fold.add(state, event.at, {column: 1})


def _tags(fold: Fold, state: State, event: EventRow) -> None:
    removed = {str(t) for t in event.data.get("removed", [])}
    added = [str(t) for t in event.data.get("added", []) if str(t) not in state.tags]
    state.tags = sorted({*state.tags, *added} - removed)
    for tag in added:
        if tag not in removed:
            fold.add(state, event.at, {"tagged": 1}, tag=tag)


def _team(fold: Fold, state: State, event: EventRow) -> None:
    state.team = str(event.data.get("new", ""))


def _assigned(fold: Fold, state: State, event: EventRow) -> None:
    state.agent = str(event.data.get("new", ""))


def _priority(fold: Fold, state: State, event: EventRow) -> None:
    value = event.data.get("priority")
    if isinstance(value, int):
        state.priority = value


def _suggested(fold: Fold, state: State, event: EventRow) -> None:
    suggestion = event.data.get("suggestion")
    if isinstance(suggestion, Mapping) and isinstance(suggestion.get("priority"), int):
        state.priority = int(suggestion["priority"])


HANDLERS: dict[str, Callable[[Fold, State, EventRow], None]] = {
    "created": _created,
    "status-changed": _status,
    "history-settled": _settled,
    "first-response": _first_response,
    "sla-breached": _breached,
    "rated": _rated,
    "article-added": _article,
    "tags-set": _arrival_change(_tags),
    "team-set": _arrival_change(_team),
    "assigned": _arrival_change(_assigned),
    "priority-set": _arrival_change(_priority),
    "sla-started": _arrival_change(_priority),
    "triage-suggested": _arrival_change(_suggested),
}
# What the pipeline writes while a mail becomes a ticket; any other event ends the arrival.
ARRIVAL_KINDS = frozenset(
    {
        "created",
        "article-added",
        "participant-added",
        "triage-suggested",
        "sla-started",
        "team-set",
        "assigned",
        "tags-set",
        "priority-set",
        "ack-queued",
        "ack-suppressed",
        "sender-flagged",
        "follow-up",
    }
)
