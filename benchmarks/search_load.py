"""Bulk loading of the generated corpus straight into the tables (search benchmark).

PostgreSQL gets ``COPY ... FROM STDIN`` through psycopg; SQLite gets ``executemany`` inside
one transaction. Rows carry explicit ids (the database is fresh), so articles can point at
their tickets without a round trip; PostgreSQL's identity sequences are moved past them at the
end. Every column a row does not set gets the model field's default, read from Django's
``_meta``, so a column added by a migration later does not break the loader.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from search_corpus import customer_identity, generate_ticket, knowledge_article

BATCH = 20_000
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Table:
    """A model's table: the columns a loader sets, and the defaults of the others."""

    def __init__(self, model: Any, sets: tuple[str, ...], vendor: str) -> None:
        from django.db import connection

        self.name = model._meta.db_table
        self.vendor = vendor
        fields = {f.column: f for f in model._meta.local_concrete_fields}
        unknown = set(sets) - set(fields)
        if unknown:
            raise SystemExit(f"{self.name}: no columns {sorted(unknown)}")
        self.columns = list(sets) + [c for c in fields if c not in sets and c != "id"]
        self.defaults = tuple(
            self._default(fields[c], connection) for c in self.columns[len(sets) :]
        )

    def _default(self, field: Any, connection: Any) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.when(NOW)
        if field.null and not field.has_default():
            return None
        value = field.get_default()
        if field.get_internal_type() == "JSONField":
            return json.dumps(value)
        return field.get_db_prep_save(value, connection)

    def when(self, moment: datetime) -> Any:
        """A datetime as the backend stores it (SQLite: naive UTC text, as Django writes it)."""
        if self.vendor == "sqlite":
            return moment.replace(tzinfo=None).isoformat(" ")
        return moment

    def load(self, connection: Any, rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert ``rows`` (the values of the set columns; defaults appended); return the count."""
        defaults, count = self.defaults, 0
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
                        count += 1
                return count
            marks = ", ".join("?" * len(self.columns))
            sql = f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})'
            for chunk in _chunks(rows):
                connection.connection.executemany(sql, [row + defaults for row in chunk])
                count += len(chunk)
        return count


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_corpus(
    *,
    tickets: int,
    seed: int,
    mailbox_id: int,
    team_ids: list[int],
    agent_ids: list[int],
    progress: Callable[[str], None] = print,
) -> dict[str, int]:
    """Generate and insert customers, tickets and their articles; return the row counts."""
    from django.db import connection, transaction

    from ventanilla.customers.models import Customer
    from ventanilla.tickets.models import Article, Ticket

    vendor = connection.vendor
    rng = random.Random(seed)
    customers = max(10, tickets // 4)
    customer_table = Table(Customer, ("id", "email", "name", "language"), vendor)
    ticket_table = Table(
        Ticket,
        (
            "id",
            "number",
            "mailbox_id",
            "customer_id",
            "subject",
            "status",
            "language",
            "received_at",
            "last_activity_at",
            "created_at",
            "updated_at",
            "team_id",
            "assignee_id",
            "resolution_note",
            "resolved_at",
            "priority",
        ),
        vendor,
    )
    article_table = Table(
        Article,
        (
            "id",
            "ticket_id",
            "direction",
            "kind",
            "sender_email",
            "subject",
            "text",
            "new_text",
            "sent_at",
            "created_at",
        ),
        vendor,
    )
    counts = {"customers": 0, "tickets": 0, "articles": 0}
    article_id = 0
    started = time.perf_counter()
    with transaction.atomic():
        counts["customers"] = customer_table.load(
            connection,
            (
                (i + 1, customer_identity(i)[1], customer_identity(i)[0], "es" if i % 3 else "en")
                for i in range(customers)
            ),
        )
        for start in range(0, tickets, BATCH):
            ticket_rows, article_rows = [], []
            for n in range(start, min(tickets, start + BATCH)):
                made = generate_ticket(rng, customers)
                received = NOW - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
                when = ticket_table.when(received)
                last = ticket_table.when(received + timedelta(hours=len(made.messages)))
                team = n % len(team_ids)
                assignee = (
                    None
                    if rng.random() < 0.15
                    else agent_ids[
                        (team + len(team_ids) * rng.randrange(len(agent_ids) // len(team_ids)))
                        % len(agent_ids)
                    ]
                )
                resolved = last if made.resolution_note else None
                ticket_rows.append(
                    (
                        n + 1,
                        f"SOP-{received.year}-{n + 1:07d}",
                        mailbox_id,
                        made.customer + 1,
                        made.subject,
                        made.status,
                        made.language,
                        when,
                        last,
                        when,
                        last,
                        team_ids[team],
                        assignee,
                        made.resolution_note,
                        resolved,
                        1 + n % 4,
                    )
                )
                sender = customer_identity(made.customer)[1]
                for k, message in enumerate(made.messages):
                    article_id += 1
                    sent = ticket_table.when(received + timedelta(hours=k))
                    article_rows.append(
                        (
                            article_id,
                            n + 1,
                            message.direction,
                            message.kind,
                            sender if message.direction == "in" else "soporte@empresa.es",
                            made.subject if k == 0 else f"Re: {made.subject}",
                            message.text,
                            message.text,
                            sent,
                            sent,
                        )
                    )
            counts["tickets"] += ticket_table.load(connection, ticket_rows)
            counts["articles"] += article_table.load(connection, article_rows)
            elapsed = time.perf_counter() - started
            progress(f"  {counts['tickets']}/{tickets} tickets loaded ({elapsed:.0f} s)")
        _move_sequences(connection, ("customers_customer", "tickets_ticket", "tickets_article"))
    return counts


def load_knowledge(*, count: int, seed: int, author_id: int) -> int:
    """Insert ``count`` published knowledge articles (every fourth public); return the count."""
    from django.db import connection, transaction

    from ventanilla.knowledge.models import KnowledgeArticle

    rng = random.Random(seed + 1)
    table = Table(
        KnowledgeArticle,
        (
            "id",
            "title",
            "slug",
            "body",
            "language",
            "visibility",
            "status",
            "author_id",
            "published_at",
        ),
        connection.vendor,
    )
    rows = []
    for i in range(count):
        language, title, body = knowledge_article(rng, i)
        visibility = "public" if i % 4 == 0 else "internal"
        rows.append(
            (
                i + 1,
                title,
                f"articulo-{i + 1}",
                body,
                language,
                visibility,
                "published",
                author_id,
                table.when(NOW),
            )
        )
    with transaction.atomic():
        loaded = table.load(connection, rows)
        _move_sequences(connection, (table.name,))
    return loaded


def _move_sequences(connection: Any, tables: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT COALESCE(max(id), 1) FROM "{table}"))'
            )
