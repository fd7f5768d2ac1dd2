"""Measurements of the search benchmark: reindex, index size, query and suggestion latency.

Everything goes through the public entry points of the search and suggest apps (the
``search reindex`` command, ``ventanilla.search.api.search``, the suggestions the ticket
page's panel asks for), never around them, so the figures are what an agent gets.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import defaultdict
from dataclasses import fields
from typing import Any

from search_queries import Query, build_queries


def reindex() -> None:
    """Build the search index the way an operator does: ``ventanilla search reindex``."""
    from django.core.management import call_command

    call_command("search", "reindex")


def _search_relations() -> list[str]:
    from django.apps import apps

    try:
        config = apps.get_app_config("search")
    except LookupError:
        return []
    return [model._meta.db_table for model in config.get_models()]


def index_size() -> dict[str, Any]:
    """Bytes of the search index: its own tables (with their indexes, counted once) and the
    full-text indexes on other tables."""
    from django.conf import settings
    from django.db import connection

    tables = _search_relations()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND "
                "(c.relname = ANY(%s) OR (c.relkind = 'i' AND c.relam IN "
                "(SELECT oid FROM pg_am WHERE amname IN ('gin', 'gist')) AND c.oid NOT IN "
                "(SELECT indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                "WHERE t.relname = ANY(%s))))",
                [tables, tables],
            )
            parts = dict(cursor.fetchall())
            cursor.execute("SELECT pg_database_size(current_database())")
            database = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master")
            names = [
                name
                for name, table in cursor.fetchall()
                if table in tables or name.startswith(tuple(tables)) or "fts" in name.lower()
            ]
            parts = {}
            for name in names:
                cursor.execute(
                    "SELECT COALESCE(sum(pgsize), 0) FROM dbstat WHERE name = %s", [name]
                )
                parts[name] = cursor.fetchone()[0]
            database = os.path.getsize(settings.DATABASES["default"]["NAME"])
    return {"index_bytes": sum(parts.values()), "parts": parts, "database_bytes": database}


def _filters(values: dict[str, Any]) -> Any:
    """A ``SearchFilters`` of ``values``; a filter it lacks is an error, never dropped."""
    from ventanilla.search.api import SearchFilters

    unknown = set(values) - {f.name for f in fields(SearchFilters)}
    if unknown:
        raise SystemExit(f"SearchFilters has no {sorted(unknown)}")
    return SearchFilters(**values)


def _percentiles(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _sample() -> tuple[str, str]:
    from ventanilla.tickets.models import Article, Ticket

    text = Article.objects.filter(direction="in", text__contains="FAC-").values_list(
        "text", flat=True
    )[:1]
    number = Ticket.objects.order_by("id").values_list("number", flat=True)[
        Ticket.objects.count() // 2
    ]
    return (text[0] if text else ""), number


def measure_search(*, users: list[Any], total: int, repeats: int) -> dict[str, Any]:
    """Run every query once to warm up, then ``repeats`` times per user; p50/p95 overall/kind."""
    from ventanilla.search.api import search

    queries = build_queries(*_sample(), total=total)
    by_user: dict[str, list[float]] = defaultdict(list)
    by_kind: dict[str, list[float]] = defaultdict(list)
    # This process's CPU time (on SQLite the whole query; on PostgreSQL the server's is not
    # in it): a figure a machine loaded by others inflates much less than the wall clock.
    cpu: dict[str, list[float]] = defaultdict(list)
    detail = []
    for user in users:
        for query in queries:
            filters = _filters(query.filters)
            results = search(query=query.text, user=user, filters=filters, limit=20)
            times = []
            for _ in range(repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                search(query=query.text, user=user, filters=filters, limit=20)
                times.append((time.perf_counter() - start) * 1000)
                cpu[user.username].append((time.process_time() - start_cpu) * 1000)
            by_user[user.username].extend(times)
            by_kind[query.kind].extend(times)
            detail.append(_detail(user, query, results, times))
    return {
        "users": {name: _percentiles(t) for name, t in by_user.items()},
        "cpu_users": {name: _percentiles(t) for name, t in cpu.items()},
        "by_kind": {kind: _percentiles(t) for kind, t in by_kind.items()},
        "queries": detail,
    }


def _detail(user: Any, query: Query, results: Any, times: list[float]) -> dict[str, Any]:
    return {
        "user": user.username,
        "kind": query.kind,
        "query": query.text,
        "filters": query.filters,
        "total": getattr(results, "total", None),
        "more": getattr(results, "more", None),
        "hits": len(getattr(results, "hits", []) or []),
        "jump_url": getattr(results, "jump_url", None),
        "median_ms": round(statistics.median(times), 1),
    }


def embed_for_suggestions(*, user: Any, limit: int) -> dict[str, Any]:
    """Embeddings through the suggest app: every knowledge article, and the ``limit`` newest
    solved tickets ``user`` may see (the panel compares with no more than that many)."""
    from ventanilla.agents.permissions import ticket_visible_to
    from ventanilla.knowledge.models import KnowledgeArticle
    from ventanilla.suggest.services import embeddings_refresh
    from ventanilla.tickets.models import Ticket

    start = time.perf_counter()
    articles = list(KnowledgeArticle.objects.values_list("pk", flat=True))
    done = embeddings_refresh(kind="article", ids=articles)
    solved = list(
        Ticket.objects.filter(ticket_visible_to(user), status__in=("resolved", "closed"))
        .order_by("-pk")
        .values_list("pk", flat=True)[:limit]
    )
    done += embeddings_refresh(kind="ticket", ids=solved)
    seconds = time.perf_counter() - start
    print(f"embeddings: {done} in {seconds:.1f} s", flush=True)
    return {"embedded": done, "seconds": round(seconds, 1)}


def measure_suggestions(*, user: Any, repeats: int) -> dict[str, Any]:
    """Time ``suggestions_for_ticket`` (what the ticket page's panel shows) on new tickets."""
    from ventanilla.suggest.selectors import suggestions_for_ticket
    from ventanilla.tickets.models import Ticket

    team = user.teams.first()
    tickets = list(Ticket.objects.filter(status="new", team=team).order_by("id")[:repeats])
    suggestions_for_ticket(ticket=tickets[0], user=user)  # warm-up: the model loads once
    times, found = [], 0
    for ticket in tickets:
        start = time.perf_counter()
        result = suggestions_for_ticket(ticket=ticket, user=user)
        times.append((time.perf_counter() - start) * 1000)
        found += bool(result.articles) and bool(result.tickets)
    return {**_percentiles(times), "with_article_and_ticket": found}
