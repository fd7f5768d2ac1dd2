"""Reading and writing the rollups' own tables: states in, deltas and states out, in bulk.

Every write is one ``INSERT ... ON CONFLICT DO UPDATE`` per chunk of rows, the same SQL on
SQLite (3.24+) and PostgreSQL: counters are added in the database (``col = col +
excluded.col``), so two transactions counting into the same row never lose an update, and
a batch costs a handful of statements however many rows it touches.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Subquery

from ventanilla.mail.models import InboundMessage
from ventanilla.reports.columns import KEY
from ventanilla.reports.fold import Deltas, EventRow, Facts, State
from ventanilla.reports.models import Rollup, TicketState
from ventanilla.tickets.models import Article, Ticket, TicketEvent

CHUNK = 200
STATE_COLUMNS = (
    "ticket_id",
    "mailbox",
    "organisation",
    "channel",
    "received_at",
    "team",
    "agent",
    "priority",
    "tags",
    "resolution_breached",
    "arriving",
)


def event_rows(events: Iterable[TicketEvent]) -> list[EventRow]:
    """The fold's view of saved audit rows, in the order given."""
    return [EventRow(e.ticket_id, e.kind, e.data or {}, e.created_at) for e in events]


def states_load(ticket_ids: Collection[int], *, lock: bool) -> dict[int, State]:
    """Return the known states of ``ticket_ids`` (locked for update when ``lock``)."""
    rows = TicketState.objects.filter(ticket_id__in=ticket_ids).order_by("ticket_id")
    if lock and connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return {row.ticket_id: _state(row) for row in rows}


def _state(row: TicketState) -> State:
    facts = Facts(row.mailbox, row.organisation, row.channel, row.received_at)
    return State(
        facts=facts,
        team=row.team,
        agent=row.agent,
        priority=row.priority,
        tags=list(json.loads(row.tags)),
        resolution_breached=row.resolution_breached,
        arriving=row.arriving,
    )


def facts_load(ticket_ids: Collection[int], created: Mapping[int, int | None]) -> dict[int, Facts]:
    """Return the facts of ``ticket_ids``; ``created`` maps a ticket to its created inbound id.

    The channel is the door the first mail came by: the ``created`` event's inbound message,
    else (a ticket from before the rollups) its first inbound article's.
    """
    if not ticket_ids:
        return {}
    first_inbound = Article.objects.filter(ticket=OuterRef("pk"), inbound__isnull=False)
    rows = Ticket.objects.filter(pk__in=ticket_ids).values_list(
        "pk",
        "mailbox_id",
        "customer__organisation_id",
        "received_at",
        Subquery(first_inbound.order_by("pk").values("inbound_id")[:1]),
    )
    tickets = list(rows)
    inbound_of = {pk: created.get(pk, first) for pk, *_, first in tickets}
    wanted = [i for i in inbound_of.values() if i is not None]
    sources = dict(InboundMessage.objects.filter(pk__in=wanted).values_list("pk", "source"))
    return {
        pk: Facts(mailbox, org or 0, sources.get(inbound_of[pk] or 0, ""), received)
        for pk, mailbox, org, received, _ in tickets
    }


def states_save(states: Mapping[int, State], ticket_ids: Iterable[int]) -> None:
    """Write the states of ``ticket_ids`` (insert or replace)."""
    rows = [_state_values(pk, states[pk]) for pk in sorted(ticket_ids)]
    table = TicketState._meta.db_table
    updates = [c for c in STATE_COLUMNS if c != "ticket_id"]
    for chunk in _chunks(rows):
        _upsert(
            table, STATE_COLUMNS, chunk, ("ticket_id",), [f"{c} = excluded.{c}" for c in updates]
        )


def _state_values(pk: int, state: State) -> tuple[Any, ...]:
    f = state.facts
    return (
        pk,
        f.mailbox,
        f.organisation,
        f.channel,
        f.received_at,
        state.team,
        state.agent,
        state.priority,
        state.tags_json(),
        state.resolution_breached,
        state.arriving,
    )


def rollups_add(deltas: Deltas) -> int:
    """Add ``deltas`` to the rollup rows (created when missing); return the rows touched."""
    items = [(key, counts) for key, counts in sorted(deltas.items()) if any(counts.values())]
    if not items:
        return 0
    columns = sorted({c for _, counts in items for c, n in counts.items() if n})
    rows = [(*key, *(counts.get(c, 0) for c in columns)) for key, counts in items]
    table = Rollup._meta.db_table
    sets = [f"{c} = {table}.{c} + excluded.{c}" for c in columns]
    for chunk in _chunks(rows):
        _upsert(table, (*KEY, *columns), chunk, KEY, sets)
    return len(rows)


def _chunks(rows: Sequence[tuple[Any, ...]]) -> Iterable[Sequence[tuple[Any, ...]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def _adapt(value: Any) -> Any:
    """Dates as the ORM writes them (SQLite keeps naive UTC text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _upsert(
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Sequence[str],
    sets: Sequence[str],
) -> None:
    """Run one ``INSERT ... ON CONFLICT (...) DO UPDATE`` (names are ours, never input)."""
    ops = connection.ops
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {ops.quote_name(table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {', '.join(sets)}"
    )
    params = [_adapt(v) for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
