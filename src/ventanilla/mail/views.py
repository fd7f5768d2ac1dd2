"""Mail views: the HTTP intake endpoint (thin; the logic is in ``mail/sources/http.py``)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ventanilla.mail.sources.http import IntakeRequest, intake_receive


def _content_length(request: HttpRequest) -> int | None:
    value = request.META.get("CONTENT_LENGTH", "")
    return int(value) if str(value).isdigit() else None


@csrf_exempt  # authenticated by a bearer token, not a session cookie: no CSRF exposure
@require_POST
def intake(request: HttpRequest, key: str) -> JsonResponse:
    """Store the raw message in the body for the mailbox ``key`` (address or ticket prefix)."""
    reply = intake_receive(
        IntakeRequest(
            key=key,
            authorization=request.headers.get("Authorization", ""),
            content_type=request.headers.get("Content-Type", ""),
            content_length=_content_length(request),
            body=request,  # read straight from the stream: no DATA_UPLOAD_MAX_MEMORY_SIZE copy
        )
    )
    response = JsonResponse(reply.data, status=reply.status)
    for name, value in reply.headers.items():
        response[name] = value
    return response
