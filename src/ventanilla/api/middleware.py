"""The API's edge for every request under ``/api/``: rate limits, then ``Idempotency-Key``.

Rate limits count per client address and per credential (``api/credentials.py``) in
database rows shared by every web process (``api/ratelimit.py``); every answer carries
``X-RateLimit-Limit``/``-Remaining``/``-Reset`` for the tighter of the two, and a request past
a limit gets ``429`` with ``Retry-After`` (RFC 6585 §4). The client address is the one the
web server saw (no proxy header is trusted, as for the login limiter).

A POST with an ``Idempotency-Key`` is claimed before it runs and its response stored after
(``api/idempotency.py``): a repeat replays the stored answer with ``Idempotent-Replayed``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ventanilla.agents.login import client_ip
from ventanilla.api import idempotency
from ventanilla.api.credentials import credential_name
from ventanilla.api.problems import problem_response
from ventanilla.api.ratelimit import RateState, rate_hit

PREFIX = "/api/"
WINDOW_SECONDS = 60


def _rate_headers(state: RateState) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(state.limit),
        "X-RateLimit-Remaining": str(max(0, state.remaining)),
        "X-RateLimit-Reset": str(state.reset),
    }


@transaction.atomic
def _rate_states(request: HttpRequest, credential: str) -> list[RateState]:
    # One transaction for both counters: one commit (one fsync) per request, not two.
    ip = client_ip(request) or "unknown"
    states = [
        rate_hit(
            bucket=f"ip:{ip}",
            limit=settings.VENTANILLA_API_RATE_PER_IP,
            window_seconds=WINDOW_SECONDS,
        )
    ]
    if credential:
        states.append(
            rate_hit(
                bucket=credential,
                limit=settings.VENTANILLA_API_RATE_PER_TOKEN,
                window_seconds=WINDOW_SECONDS,
            )
        )
    return states


def _replay(request: HttpRequest, claim: idempotency.Claim) -> HttpResponse:
    if claim.conflict:
        detail = _("This Idempotency-Key was used for another request.")
        return problem_response(request, 422, detail, kind="idempotency-key-reuse")
    if claim.busy:
        detail = _("The first request with this Idempotency-Key is still running.")
        headers = {"Retry-After": "1"}
        return problem_response(
            request, 409, detail, kind="idempotency-in-progress", headers=headers
        )
    record = claim.record
    response = HttpResponse(
        bytes(record.body), status=record.status or 200, content_type=record.content_type
    )
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response


class ApiEdgeMiddleware:
    """Rate limits and idempotency for the API's paths; other paths pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler of the chain."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Count the request, refuse it past a limit, else run it (or replay it)."""
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        credential = credential_name(request)
        tightest = min(_rate_states(request, credential), key=lambda s: s.remaining)
        headers = _rate_headers(tightest)
        if tightest.exceeded:
            headers["Retry-After"] = str(tightest.reset)
            detail = _("Too many requests; retry after the time in Retry-After.")
            return problem_response(request, 429, detail, kind="rate-limited", headers=headers)
        response = self._run(request, credential)
        for name, value in headers.items():
            response[name] = value
        return response

    def _run(self, request: HttpRequest, credential: str) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "").strip()
        if request.method != "POST" or not key or not credential:
            return self.get_response(request)
        if len(key) > idempotency.KEY_MAX:
            detail = _("Idempotency-Key is longer than 255 characters.")
            return problem_response(request, 400, detail, kind="idempotency-key")
        fingerprint = idempotency.request_fingerprint(
            method="POST", path=request.get_full_path(), body=request.body
        )
        claim = idempotency.idempotency_claim(owner=credential, key=key, fingerprint=fingerprint)
        if not claim.fresh:
            return _replay(request, claim)
        try:
            response = self.get_response(request)
        except BaseException:
            idempotency.idempotency_release(record=claim.record)
            raise
        idempotency.idempotency_complete(
            record=claim.record,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=bytes(response.content) if not response.streaming else b"",
            location=response.get("Location", ""),
        )
        return response
