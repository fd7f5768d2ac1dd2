"""The interactive docs: served with the policy Swagger UI needs, from our own static files;
``ventanilla run`` names their address."""

from __future__ import annotations

import pytest

from ventanilla.ops.management.commands.run import banner
from ventanilla.ops.roles import roles_parse


@pytest.mark.django_db
def test_docs_page_has_its_own_policy(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "img-src 'self' data:" in policy
    assert "script-src 'self';" in policy  # no inline or remote script
    html = page.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle" in html


@pytest.mark.django_db
def test_other_pages_keep_the_strict_policy(client):
    assert "unsafe-inline" not in client.get("/api/v1/openapi.json")["Content-Security-Policy"]


def test_run_banner_names_the_docs(settings):
    text = "\n".join(banner(None, "127.0.0.1:8000", "127.0.0.1:2525", roles_parse("web")))
    assert "API docs:        http://127.0.0.1:8000/api/v1/docs" in text
