"""Keeping the rollups: fold a batch of fresh audit events, or rebuild everything from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from ventanilla.reports import store
from ventanilla.reports.fold import ARRIVAL_KINDS, HANDLERS, EventRow, Fold, State
from ventanilla.reports.models import Rollup, TicketState
from ventanilla.tickets.models import Ticket, TicketEvent
from ventanilla.tickets.sla_config import sla_calendar

REBUILD_TICKETS_PER_STEP = 2000


def _fold(states: dict[int, State]) -> Fold:
    return Fold(tz=ZoneInfo(str(settings.TIME_ZONE)), calendar_for=sla_calendar, states=states)


def _apply(rows: Sequence[EventRow], *, lock: bool) -> int:
    """Fold ``rows`` against the stored states and write deltas and states back."""
    ticket_ids = {r.ticket_id for r in rows}
    states = store.states_load(ticket_ids, lock=lock)
    created = {
        r.ticket_id: _int_or_none(r.data.get("inbound_id")) for r in rows if r.kind == "created"
    }
    facts = store.facts_load(ticket_ids - states.keys(), created)
    fold = _fold(states)
    fold.run(rows, facts)
    store.states_save(fold.states, fold.changed)
    return store.rollups_add(fold.deltas)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


@transaction.atomic(savepoint=False)
def rollups_apply(*, events: Sequence[TicketEvent]) -> int:
    """Count ``events`` (saved audit rows of the current transaction) into the rollups.

    Returns the number of rollup rows touched. A few statements per call, however many
    events: the states of their tickets (locked), the facts of new tickets, one upsert of
    states, one of rollups.
    """
    # Events that neither count nor end a ticket's arrival change nothing: no statement.
    counted = [e for e in events if e.kind in HANDLERS or e.kind not in ARRIVAL_KINDS]
    if not counted:
        return 0
    return _apply(store.event_rows(counted), lock=True)


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did."""

    tickets: int
    events: int
    rows: int


@transaction.atomic
def rollups_rebuild(*, progress: Callable[[int, int], None] | None = None) -> RebuildResult:
    """Recompute every rollup from the audit events, in one transaction.

    Writers wait meanwhile (SQLite's one writer; on PostgreSQL the state table is locked),
    so no event is counted twice or lost. ``progress(done, total)`` is called per step.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TicketState._meta.db_table} IN EXCLUSIVE MODE")
    Rollup.objects.all().delete()
    TicketState.objects.all().delete()
    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    events = 0
    for i in range(0, len(ids), REBUILD_TICKETS_PER_STEP):
        step = ids[i : i + REBUILD_TICKETS_PER_STEP]
        rows = store.event_rows(
            TicketEvent.objects.filter(ticket_id__in=step)
            .order_by("ticket_id", "pk")
            .iterator(2000)
        )
        events += len(rows)
        if rows:
            _apply(rows, lock=False)
        if progress is not None:
            progress(min(i + REBUILD_TICKETS_PER_STEP, len(ids)), len(ids))
    return RebuildResult(tickets=len(ids), events=events, rows=Rollup.objects.count())
