"""``GET /healthz``: the health report as JSON; 200 when healthy, 503 when degraded.

Anyone (an uptime monitor) gets the status, the problems' codes and the counts; a signed-in
admin gets the whole report, with IMAP account names and the servers' error text, which
name hosts and internal addresses (``agents.permissions.can_view_health_details``).

It lives in ``mail`` rather than ``core`` because it reads mail models, and ``core`` imports
no other app (ARCHITECTURE.md, dependency rules).
"""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from ventanilla.agents.permissions import can_view_health_details
from ventanilla.ops.health import health_report


def _details(request: HttpRequest) -> bool:
    # Who is asking lives in the session table: with the database down, answer as to anyone.
    try:
        return can_view_health_details(request.user)
    except DatabaseError:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer the report; a monitor needs only the status code (503 = look at ``problems``)."""
    report = health_report()
    body = report.as_dict() if _details(request) else report.public_dict()
    return JsonResponse(body, status=200 if not report.problems else 503)
