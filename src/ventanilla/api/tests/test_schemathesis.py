"""Schemathesis against the served OpenAPI document: no 5xx, every answer as documented.

The document is fetched from the app itself (``/api/v1/openapi.json`` through WSGI), so the
test holds the server to what it publishes: status codes, content types (problems are
``application/problem+json``), headers and bodies. Examples stay few per operation so the
suite remains quick; the admin's write token reaches every operation.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ventanilla.api.main import api

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def admin_secret(db, make_agent, make_ticket, settings):
    """An admin's write token, a ticket to find, and limits high enough for the run."""
    from ventanilla.agents.token_services import api_token_create

    settings.VENTANILLA_API_RATE_PER_IP = 100_000
    settings.VENTANILLA_API_RATE_PER_TOKEN = 100_000
    make_ticket()
    admin = make_agent("adan", role="admin")
    return api_token_create(user=admin, name="fuzz", scope="write").secret


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Hold off the WSGI handler's connection closing (it would end the test's transaction).

    Django's own test client does the same; here requests go through the real handler.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The document the server builds; ``test_served_document_is_the_tested_one`` checks that
# ``/api/v1/openapi.json`` serves exactly this.
DOCUMENT = api.get_openapi_schema()
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(DOCUMENT, cls=DjangoJSONEncoder)))
schema.app = get_wsgi_application()


@pytest.mark.django_db
def test_served_document_is_the_tested_one(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json()["openapi"].startswith("3.1")
    assert served.json() == json.loads(json.dumps(DOCUMENT, cls=DjangoJSONEncoder))


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case, admin_secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_secret}"}, checks=CHECKS)
