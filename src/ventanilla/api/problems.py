"""One error shape for the whole API: RFC 9457 problem details (``application/problem+json``).

Every failure, whether raised by django-ninja (validation, authentication), by a service
(``PermissionDenied``, ``ValidationError``, ``TicketStateError``) or by the API's own edges
(rate limit, idempotency), leaves as ``{type, title, status, detail, instance}``. ``type`` is
``about:blank`` when the status says it all (RFC 9457 §4.2.1), else a URN naming the problem.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ventanilla.tickets.states import TicketStateError

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    """RFC 9457 problem details; ``errors`` lists the fields of a 422."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[dict[str, Any]] | None = None


class ApiProblem(Exception):  # noqa: N818 - it is the problem, as RFC 9457 names it
    """Raised by the API's edges to answer with a problem of their choosing."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        *,
        kind: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Keep the status, the human-readable detail, the problem's name and extra headers."""
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str = "",
    *,
    kind: str = "",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Return the problem response for ``status`` (``kind``: a URN suffix, else about:blank)."""
    body: dict[str, Any] = {
        "type": f"urn:ventanilla:problem:{kind}" if kind else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    # pydantic's error dicts may carry the offending input and exception objects: keep
    # only what a client needs, as plain JSON.
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]


def _django_messages(exc: DjangoValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _on_api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc.status, exc.detail, kind=exc.kind, headers=exc.headers)


def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = _validation_errors(exc)
    return problem_response(
        request, 422, _("The request is not valid."), kind="validation", errors=errors
    )


def _on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("A valid bearer token or a signed-in agent session is required.")
    headers = {"WWW-Authenticate": 'Bearer realm="ventanilla"'}
    return problem_response(request, 401, detail, headers=headers)


def _on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, exc.status_code, str(exc))


def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, 404, _("No such resource, or not visible to you."))


def _on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, 403, str(exc) or _("You may not do this."))


def _on_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(request, 422, _django_messages(exc), kind="rejected")


def _on_state(request: HttpRequest, exc: TicketStateError) -> HttpResponse:
    return problem_response(request, 409, str(exc), kind="ticket-state")


def _on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.error("API error on %s", request.path, exc_info=exc)
    return problem_response(request, 500, _("Internal error; it has been logged."))


def problems_install(api: NinjaAPI) -> None:
    """Make every error of ``api`` a problem response."""
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ApiProblem, _on_api_problem),
        (NinjaValidationError, _on_validation),
        (AuthenticationError, _on_auth),
        (HttpError, _on_http),
        (Http404, _on_404),
        (PermissionDenied, _on_denied),
        (DjangoValidationError, _on_invalid),
        (TicketStateError, _on_state),
        (Exception, _on_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
