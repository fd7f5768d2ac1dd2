"""The workspace in Chromium through the production web server (gunicorn), not a test server.

``ventanilla web`` runs as a real process on this test's database with a fresh data
directory, so it collects the static files itself: the page must load its stylesheet and
scripts under their hashed names (one-year immutable cache), with htmx running and no
Content-Security-Policy violation, and the agent must log in and open a ticket.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from tests.e2e.conftest import child_database_url
from ventanilla.tickets.models import Ticket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VENTANILLA = str(Path(sys.executable).with_name("ventanilla"))
PASSWORD = "secret-pass-123"
HASHED = re.compile(r"/static/workspace/[\w.-]+\.[0-9a-f]{12}\.(css|js)$")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def production_web(tmp_path):
    """Start ``ventanilla web`` (gunicorn) on a free port; yield its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(
        VENTANILLA_HOME=str(tmp_path / "home"),
        VENTANILLA_DATABASE_URL=child_database_url(),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
    )
    (tmp_path / "home").mkdir()
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VENTANILLA, "web", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120  # collects and compresses every static file first
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_agent_works_through_gunicorn_with_hashed_static_files(
    production_web, page: Page, settings, deliver, make_mail, mailbox, team, make_agent
):
    # The server checks passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_agent("ana", teams=[team], language="es", password=PASSWORD)
    mailbox.team = team
    mailbox.save(update_fields=["team"])
    inbound = deliver(make_mail(subject="La impresora no imprime"))
    ticket = Ticket.objects.get(pk=inbound.ticket_id)

    static: dict[str, Response] = {}
    page.on("response", lambda r: static.setdefault(r.url, r) if "/static/" in r.url else None)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"{m.text} {m.location}") if m.type == "error" else None,
    )
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(production_web + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/unassigned/$"))
    row = page.locator("#inbox-rows tr", has_text=ticket.number)
    expect(row).to_contain_text("La impresora no imprime")

    # Stylesheet and scripts came under hashed names, cacheable for a year, and are in use.
    hashed = {url: r for url, r in static.items() if HASHED.search(url)}
    assert any(url.endswith(".css") for url in hashed), sorted(static)
    assert any(url.endswith(".js") for url in hashed), sorted(static)
    for url, response in hashed.items():
        assert response.status == 200, url
        assert response.headers["cache-control"] == "max-age=315360000, public, immutable", url
    rules = page.evaluate(
        "() => [...document.styleSheets].filter(s => s.href).map(s => s.cssRules.length)"
    )
    assert rules, rules
    assert min(rules) > 0, rules
    assert page.evaluate("() => typeof window.htmx") == "object"

    row.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/t/{ticket.number}/$"))
    expect(page.locator("body")).to_contain_text("La impresora no imprime")
    # Chromium asks for /favicon.ico by itself; the workspace declares no icon.
    problems = [p for p in problems if "/favicon.ico" not in p]
    assert problems == [], (problems, failed)
