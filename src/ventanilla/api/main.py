"""The API object: version 1, its routers, authentication, problems and documentation.

OpenAPI 3.1 at ``/api/v1/openapi.json``, Swagger UI at ``/api/v1/docs`` (served from our
own static files, under a Content-Security-Policy widened for that page only: Swagger UI
sets inline styles and draws its icons from ``data:`` images).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from ventanilla.api import conversation, knowledge, people, search_health, tickets, webhooks
from ventanilla.api.auth import API_AUTH
from ventanilla.api.openapi import openapi_complete
from ventanilla.api.problems import problems_install

DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

DESCRIPTION = """Ventanilla's REST API, version 1.

Authenticate with a personal token (workspace → API tokens) as `Authorization: Bearer vt_...`,
or with the agent's browser session (CSRF token required on writes). Every POST accepts an
`Idempotency-Key`. Errors are RFC 9457 problems (`application/problem+json`).
"""


class DocsWithPolicy(Swagger):
    """Swagger UI with the Content-Security-Policy it needs, for its own page only."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """Render the page and set its policy (the site-wide one would block its styles)."""
        response = super().render_page(request, api, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


class VentanillaApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document also describes problems, rate limits and idempotency."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Return the generated document, completed (``api/openapi.py``)."""
        return openapi_complete(super().get_openapi_schema(*args, **kwargs))


api = VentanillaApi(
    title="Ventanilla API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=API_AUTH,
    docs=DocsWithPolicy(),
)
problems_install(api)
api.add_router("", tickets.router)
api.add_router("", conversation.router)
api.add_router("", people.router)
api.add_router("", knowledge.router)
api.add_router("", search_health.router)
api.add_router("", webhooks.router)
