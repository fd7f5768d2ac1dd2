"""Measurements of the search benchmark: reindex, index size, query and suggestion latency.

Everything goes through the public entry points of the search and suggest apps (the
``search reindex`` command, ``ventanilla.search.api.search``, the suggestions the ticket
page's panel asks for), never around them, so the figures are what an agent gets.
"""

from __future__ import annotations

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
    """Bytes of the search index: its own tables and the full-text indexes on other tables."""
    from django.conf import settings
    from django.db import connection

    tables = _search_relations()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND "
                "(c.relname = ANY(%s) OR (c.relkind = 'i' AND c.relam IN "
                "(SELECT oid FROM pg_am WHERE amname IN ('gin', 'gist')))) ",
                [tables],
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
            path = settings.DATABASES["default"]["NAME"]
            database = path.stat().st_size if hasattr(path, "stat") else 0
    return {"index_bytes": sum(parts.values()), "parts": parts, "database_bytes": database}


def _filters(values: dict[str, Any]) -> Any:
    """A ``SearchFilters`` with the values it knows (a filter it lacks is left out, noted)."""
    from ventanilla.search.api import SearchFilters

    known = {f.name for f in fields(SearchFilters)}
    return SearchFilters(**{k: v for k, v in values.items() if k in known})


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
    detail = []
    for user in users:
        for query in queries:
            filters = _filters(query.filters)
            results = search(query=query.text, user=user, filters=filters, limit=20)
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                search(query=query.text, user=user, filters=filters, limit=20)
                times.append((time.perf_counter() - start) * 1000)
            by_user[user.username].extend(times)
            by_kind[query.kind].extend(times)
            detail.append(_detail(user, query, results, times))
    return {
        "users": {name: _percentiles(t) for name, t in by_user.items()},
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
        "hits": len(getattr(results, "hits", []) or []),
        "jump_url": getattr(results, "jump_url", None),
        "median_ms": round(statistics.median(times), 1),
    }


def measure_suggestions(*, user: Any, repeats: int) -> dict[str, Any]:
    """Time the suggestions of new tickets of the agent's team, as the ticket page asks them."""
    try:
        from ventanilla.suggest import api as suggest_api
    except ImportError as error:
        return {"missing": f"suggest app not available: {error}"}
    from ventanilla.tickets.models import Ticket

    team = user.teams.first() if hasattr(user, "teams") else None
    tickets = list(Ticket.objects.filter(status="new", team=team).order_by("id")[:repeats])
    if not tickets:
        tickets = list(Ticket.objects.filter(status="new").order_by("id")[:repeats])
    function = getattr(suggest_api, "suggestions_for_ticket", None)
    if function is None:
        return {"missing": "no ventanilla.suggest.api.suggestions_for_ticket"}
    function(ticket=tickets[0], user=user)  # warm-up (model load, caches)
    times = []
    for ticket in tickets:
        start = time.perf_counter()
        function(ticket=ticket, user=user)
        times.append((time.perf_counter() - start) * 1000)
    return _percentiles(times)
