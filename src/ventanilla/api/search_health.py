"""Search (``search/api.py``, scoped to what the caller may see) and the health summary.

The summary gives the same figures as ``/healthz`` from the same selectors; the full report,
with its explanations and IMAP details, stays at ``/healthz`` and ``ventanilla status``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ventanilla.api.auth import api_user
from ventanilla.mail.selectors import inbound_health_figures, outbound_health_figures
from ventanilla.search.api import SearchFilters, search

router = Router(tags=["search and health"])


class SearchQuery(Schema):
    """What to look for, and in what."""

    q: str = Field(..., min_length=1, max_length=500)
    kind: Literal["ticket", "article"] | None = None
    status: Literal["new", "open", "pending", "resolved", "closed"] | None = None
    offset: int = Field(0, ge=0, le=10_000)
    limit: int = Field(20, ge=1, le=100)


class HitOut(Schema):
    """One result: a ticket (``ref`` its number) or a knowledge article (``ref`` its slug)."""

    kind: str
    ref: str
    title: str
    snippet_html: str = Field(..., description="Escaped text with matches in <mark>.")
    score: float
    exact: bool


class SearchOut(Schema):
    """A page of hits and the number of matches."""

    hits: list[HitOut]
    total: int
    more: bool


class HealthOut(Schema):
    """Queue figures and whether any is past its limit."""

    status: Literal["ok", "degraded"]
    intake_received: int
    intake_oldest_seconds: float | None
    quarantined: int
    outbox_queued: int
    outbox_oldest_seconds: float | None
    outbound_failed: int


@router.get("/search", response=SearchOut, summary="Search tickets and knowledge")
def search_endpoint(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, object]:
    """Full-text search over what the caller may see, exact matches first."""
    user = api_user(request)
    filters = SearchFilters(status=query.status or "", kind=query.kind or "")
    results = search(
        query=query.q, user=user, filters=filters, limit=query.limit, offset=query.offset
    )
    hits = [
        {
            "kind": h.kind,
            "ref": h.ref,
            "title": h.title,
            "snippet_html": h.snippet_html,
            "score": h.score,
            "exact": h.exact,
        }
        for h in results.hits
    ]
    return {"hits": hits, "total": results.total, "more": results.more}


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max((now - then).total_seconds(), 0.0), 1)


@router.get("/health", response=HealthOut, summary="Health summary")
def health(request: HttpRequest) -> dict[str, object]:
    """Intake and outbox figures; ``degraded`` when mail waits too long or sits in quarantine."""
    api_user(request)
    now = timezone.now()
    inbound, outbound = inbound_health_figures(), outbound_health_figures()
    intake_age, outbox_age = _age(now, inbound["oldest"]), _age(now, outbound["oldest"])
    degraded = (
        bool(inbound["quarantined"])
        or (intake_age or 0) > settings.VENTANILLA_HEALTH_INTAKE_LAG_SECONDS
        or (outbox_age or 0) > settings.VENTANILLA_HEALTH_OUTBOX_AGE_SECONDS
    )
    return {
        "status": "degraded" if degraded else "ok",
        "intake_received": inbound["received"],
        "intake_oldest_seconds": intake_age,
        "quarantined": inbound["quarantined"],
        "outbox_queued": outbound["queued"],
        "outbox_oldest_seconds": outbox_age,
        "outbound_failed": outbound["failed"],
    }
