"""The SQL of a scope (a queryset of documents) for the backends' raw full-text queries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ventanilla.search.models import SearchDocument


def scope_sql(
    scope: QuerySet[SearchDocument], *, correlate: str = ""
) -> tuple[str, tuple[Any, ...]] | None:
    """``SELECT id`` of ``scope``; with ``correlate`` (an outer column), only that document.

    A correlated scope lets SQLite check each full-text match by primary key instead of
    listing every visible document first. None when the scope is empty by construction.
    """
    if correlate:
        # A column name of ours, never user input.
        scope = scope.filter(pk=RawSQL(correlate, ()))  # noqa: S611
    try:
        sql, params = scope.values("pk").query.sql_with_params()
    except EmptyResultSet:  # nothing may be seen (a user who is no agent)
        return None
    return sql, tuple(params)
