"""The served OpenAPI document says what the server really answers.

Every operation may answer with a problem (RFC 9457) for the statuses the API's edges and
services produce, as ``application/problem+json``; every POST documents ``Idempotency-Key``;
every answer documents the rate-limit headers. django-ninja generates the rest from the
schemas; this completes it once, when the document is built.
"""

from __future__ import annotations

from typing import Any

from ventanilla.api.problems import CONTENT_TYPE

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Any operation: 400 (bad cursor, key), 401, 403, 404, 409 (state, busy key), 422, 429.
ERROR_STATUSES = {
    "400": "Bad request.",
    "401": "No valid token or agent session.",
    "403": "Not allowed (e.g. a read-only token writing).",
    "404": "No such resource, or not visible to the caller.",
    "409": "Conflict with the ticket's state, or the same Idempotency-Key still running.",
    "422": "Invalid input, refused by a service, or an Idempotency-Key reused for another body.",
    "429": "Rate limited: retry after Retry-After seconds.",
}
RATE_HEADERS = {
    name: {"description": text, "schema": {"type": "integer"}}
    for name, text in (
        ("X-RateLimit-Limit", "Requests allowed per window."),
        ("X-RateLimit-Remaining", "Requests left in this window."),
        ("X-RateLimit-Reset", "Seconds until the window resets."),
    )
}
IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeat the request safely: the same key and body get the same response "
    "for 24 hours; the same key with another body is refused (422).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status", "detail", "instance"],
}


def _complete_operation(method: str, operation: dict[str, Any]) -> None:
    # Statuses given in ``openapi_extra`` arrive as ints beside ninja's strings: merge them.
    responses: dict[str, Any] = {}
    for status, response in operation.get("responses", {}).items():
        responses.setdefault(str(status), {}).update(response)
    operation["responses"] = responses
    for status, text in ERROR_STATUSES.items():
        responses[status] = {
            "description": text,
            "content": {CONTENT_TYPE: {"schema": PROBLEM_REF}},
        }
    for status, response in responses.items():
        if not status.startswith(("4", "5")):
            response.setdefault("headers", {}).update(RATE_HEADERS)
    if method == "post":
        operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)


def openapi_complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses, rate-limit headers and Idempotency-Key to ``schema``."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _complete_operation(method, operation)
    return schema
