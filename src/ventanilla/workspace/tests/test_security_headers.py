"""Response headers through the real middleware chain: CSP, no-store, Secure cookies, HSTS.

The browser-side proof (the policy is enforced, htmx still works) is in
``tests/browser/test_security_headers.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from ventanilla import config
from ventanilla.tickets.blobs import blob_put
from ventanilla.tickets.models import Attachment
from ventanilla.workspace.security import NO_STORE, SecurityHeadersMiddleware


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture
def ana(client, people):
    client.force_login(people["agent"])
    return client


def test_workspace_page_has_a_strict_policy_and_no_store(ana):
    response = ana.get(reverse("workspace:inbox", args=["mine"]))
    assert response.status_code == 200
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_login_page_is_not_stored_either(client, db):
    """Anonymous, but it carries a CSRF token tied to the visitor's cookie."""
    response = client.get(reverse("workspace:login"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _directives(response)["script-src"] == ["'self'"]


def test_admin_pages_get_the_policy(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert _directives(response)["script-src"] == ["'self'"]
    assert "no-store" in response["Cache-Control"]


def test_ticket_page_lets_its_mail_frames_style_and_show_images(ana, teams, make_ticket):
    """srcdoc frames inherit the page's policy: inline styles and images must pass it."""
    ticket = make_ticket(team=teams[0])
    response = ana.get(reverse("workspace:ticket", args=[ticket.number]))
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in csp["style-src"]
    assert {"'self'", "data:", "https:"} <= set(csp["img-src"])
    assert "no-store" in response["Cache-Control"]


def test_a_views_own_policy_is_kept(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    attachment = Attachment.objects.create(
        article=ticket.articles.get(),
        filename="a.html",
        content_type="text/html",
        size=3,
        sha256=blob_put(b"<b>"),
    )
    response = ana.get(reverse("workspace:attachment", args=[ticket.number, attachment.pk]))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_middleware_never_replaces_headers_a_view_set(rf: RequestFactory, db):
    def own(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        response["Cache-Control"] = "private, max-age=60"
        return response

    def sets_cookie(request):
        response = HttpResponse("x")
        response.set_cookie("c", "1")
        return response

    kept = SecurityHeadersMiddleware(own)(rf.get("/"))
    assert kept["Content-Security-Policy"] == "default-src 'none'"
    assert kept["Cache-Control"] == "private, max-age=60"
    plain = SecurityHeadersMiddleware(lambda r: HttpResponse("x"))(rf.get("/"))
    assert "Cache-Control" not in plain  # public and cookie-free: may be cached
    assert "script-src 'self'" in plain["Content-Security-Policy"]
    assert SecurityHeadersMiddleware(sets_cookie)(rf.get("/"))["Cache-Control"] == NO_STORE


def test_proxy_header_setting_is_parsed():
    assert config.proxy_ssl_header("") is None
    assert config.proxy_ssl_header("X-Forwarded-Proto: https") == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    for bad in ("X-Forwarded-Proto", "X Forwarded: https", ": https", "X-Forwarded-Proto:"):
        with pytest.raises(ValueError, match="VENTANILLA_PROXY_SSL_HEADER"):
            config.proxy_ssl_header(bad)


def _settings_from_env(tmp_path, **env: str) -> dict[str, object]:
    """Import the real settings in a fresh interpreter with ``env`` and return a few values."""
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json; from ventanilla import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VENTANILLA_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "VENTANILLA_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_defaults_keep_plain_http_localhost_working(tmp_path):
    values = _settings_from_env(tmp_path)
    assert values == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_tls_settings_from_the_environment(tmp_path):
    values = _settings_from_env(
        tmp_path,
        VENTANILLA_SECURE_COOKIES="1",
        VENTANILLA_HSTS_SECONDS="31536000",
        VENTANILLA_HSTS_INCLUDE_SUBDOMAINS="1",
        VENTANILLA_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_https_base_url_turns_secure_cookies_on(tmp_path):
    values = _settings_from_env(tmp_path, VENTANILLA_BASE_URL="https://soporte.empresa.es")
    assert values["SESSION_COOKIE_SECURE"] is True
    off = _settings_from_env(
        tmp_path, VENTANILLA_BASE_URL="https://soporte.empresa.es", VENTANILLA_SECURE_COOKIES="0"
    )
    assert off["SESSION_COOKIE_SECURE"] is False


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(client, people, settings):
    """The settings above, end to end: a login over the proxy's https sets Secure cookies."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = config.proxy_ssl_header("X-Forwarded-Proto: https")
    page = client.get(reverse("workspace:login"), headers={"X-Forwarded-Proto": "https"})
    assert page["Strict-Transport-Security"] == "max-age=3600"
    assert page.cookies["csrftoken"]["secure"]
    response = client.post(
        reverse("workspace:login"),
        {"username": "ana", "password": "secret-pass-123"},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]
    plain = client.get(reverse("workspace:login"))
    assert "Strict-Transport-Security" not in plain  # never over plain http (RFC 6797 §7.2)
