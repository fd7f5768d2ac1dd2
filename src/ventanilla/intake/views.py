"""Mail views: the HTTP intake endpoint (thin; the logic is in ``intake/http.py``)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ventanilla.intake.http import IntakeRequest, Readable, intake_receive


def _content_length(request: HttpRequest) -> int | None:
    value = request.META.get("CONTENT_LENGTH", "")
    return int(value) if str(value).isdigit() else None


def _body(request: HttpRequest) -> tuple[Readable, int | None]:
    """Return the body stream and its declared length (None: the stream ends with the body).

    Django frames a body by ``CONTENT_LENGTH`` alone and reads nothing without it. A WSGI
    server that decoded a chunked body itself (gunicorn, mod_wsgi) passes no length but sets
    ``wsgi.input_terminated`` (a PEP 3333 extension): its stream then ends where the body
    does, so read that.
    """
    length = _content_length(request)
    if length is None and request.META.get("wsgi.input_terminated"):
        stream: Readable = request.META["wsgi.input"]
        return stream, None
    return request, length


@csrf_exempt  # authenticated by a bearer token, not a session cookie: no CSRF exposure
@require_POST
def intake(request: HttpRequest, key: str) -> JsonResponse:
    """Store the raw message in the body for the mailbox ``key`` (address or ticket prefix)."""
    body, length = _body(request)
    reply = intake_receive(
        IntakeRequest(
            key=key,
            authorization=request.headers.get("Authorization", ""),
            content_type=request.headers.get("Content-Type", ""),
            content_length=length,
            body=body,  # read straight from the stream: no DATA_UPLOAD_MAX_MEMORY_SIZE copy
            transfer_encoding=request.headers.get("Transfer-Encoding", ""),
        )
    )
    response = JsonResponse(reply.data, status=reply.status)
    for name, value in reply.headers.items():
        response[name] = value
    return response
