"""The workspace page where an agent makes and revokes his API tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from ventanilla.agents.tokens import ApiToken


@pytest.mark.django_db
def test_create_shows_secret_once_and_it_works(make_agent):
    agent = make_agent("ana")
    browser = Client()
    browser.force_login(agent)
    page = browser.post("/me/api-tokens/", {"name": "CRM", "scope": "write"})
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret.startswith("vt_")
    assert secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get(user=agent)
    assert secret not in (token.sha256, token.prefix)  # only the hash and prefix are kept
    assert secret not in browser.get("/me/api-tokens/").content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/teams").status_code == 200


@pytest.mark.django_db
def test_revoke_only_own_tokens(make_agent):
    from ventanilla.agents.token_services import api_token_create

    ana, oscar = make_agent("ana"), make_agent("oscar")
    theirs = api_token_create(user=oscar, name="x", scope="read")
    mine = api_token_create(user=ana, name="y", scope="read")
    browser = Client()
    browser.force_login(ana)
    browser.post(f"/me/api-tokens/{theirs.token.pk}/revoke/")
    browser.post(f"/me/api-tokens/{mine.token.pk}/revoke/")
    theirs.token.refresh_from_db()
    mine.token.refresh_from_db()
    assert theirs.token.revoked_at is None
    assert mine.token.revoked_at is not None
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {mine.secret}").get("/api/v1/teams").status_code == 401
    )


@pytest.mark.django_db
def test_page_is_for_agents_only(client):
    assert client.get("/me/api-tokens/").status_code == 302
