"""``GET /healthz``: the health report as JSON; 200 when healthy, 503 when degraded.

It lives in ``mail`` rather than ``core`` because it reads mail models, and ``core`` imports
no other app (ARCHITECTURE.md, dependency rules).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from ventanilla.mail.health import health_report


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer the report; a monitor needs only the status code (503 = look at ``problems``)."""
    report = health_report()
    return JsonResponse(report.as_dict(), status=200 if not report.problems else 503)
