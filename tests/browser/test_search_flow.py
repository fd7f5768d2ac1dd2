"""Search and suggestions in a real browser, over ``make run``'s demo data.

An agent types accent-less words into the top bar's search box → the results page lists the
knowledge article and the tickets → the agent opens the article → goes back and opens the
new ticket → its suggestions panel (loaded by htmx) shows that article and the similar
solved ticket with its resolution → "Insert link" and "Insert text" put the article's public
address and text into the reply → the reply is sent and the customer receives it through
the relay. Screenshots under ``test-artifacts/browser/search-*.png``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.ops import demo_knowledge
from ventanilla.ops.demo import demo_ensure
from ventanilla.tickets.models import Article, Ticket

pytestmark = [
    pytest.mark.e2e,
    # One worker runs the browser modules: one browser, one live server.
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "demo-pass-123"
ARTICLE = demo_knowledge.ARTICLES[0]  # "Cómo restablecer tu contraseña", public, es
SOLVED_SUBJECT = demo_knowledge.SOLVED[0][2]
NEW_SUBJECT = demo_knowledge.NEW_TICKET[2]


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    """The demo of ``make run``: agents, knowledge, solved tickets, the ticket to help with."""
    monkeypatch.setenv("VENTANILLA_ADMIN_PASSWORD", PASSWORD)
    settings.VENTANILLA_HOME = tmp_path
    return demo_ensure()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/"))


def test_search_open_result_suggestions_insert_into_reply(
    live_server, page: Page, relay, demo, artifacts
):
    base = live_server.url
    new_ticket = Ticket.objects.get(subject=NEW_SUBJECT)
    article = KnowledgeArticle.objects.get(title=ARTICLE.title)
    _login(page, base, "tom")  # an English-speaking agent of the demo team

    # 1. Accent-less words in the top bar's box: the article and the tickets come up.
    page.fill("#top-search", "contrasena caducado")
    page.press("#top-search", "Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=contrasena"))
    hits = page.locator(".search-hits .search-hit")
    expect(hits.filter(has_text=ARTICLE.title)).to_have_count(1)
    expect(hits.filter(has_text=NEW_SUBJECT)).to_have_count(1)
    expect(hits.filter(has_text=SOLVED_SUBJECT)).to_have_count(1)
    expect(page.locator(".search-total")).to_contain_text("result")
    page.screenshot(path=str(artifacts / "search-results.png"), full_page=True)

    # 2. Open the article from the results.
    hits.filter(has_text=ARTICLE.title).locator("a").first.click()
    expect(page.locator("h1")).to_have_text(ARTICLE.title)
    expect(page.locator("body")).to_contain_text("30 minutos")
    page.screenshot(path=str(artifacts / "search-article.png"), full_page=True)

    # 3. Back to the results; open the new ticket: its suggestions panel fills in.
    page.go_back()
    hits.filter(has_text=NEW_SUBJECT).locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/t/{new_ticket.number}/$"))
    panel = page.locator("section.suggestions")
    expect(panel.locator(".suggest-item").first).to_be_visible(timeout=30_000)
    # The solved ticket's resolution note names the article too: find the article by its link.
    title_link = page.get_by_role("link", name=ARTICLE.title, exact=True)
    suggested = panel.locator(".suggest-item").filter(has=title_link)
    expect(suggested).to_have_count(1)
    similar = panel.locator(".suggest-item", has_text=SOLVED_SUBJECT)
    expect(similar).to_have_count(1)
    expect(similar).to_contain_text("30 minutos")  # its resolution note
    page.screenshot(path=str(artifacts / "search-suggestions.png"), full_page=True)

    # 4. Insert the article's public link and its text into the reply, then send it.
    reply = page.locator("#id_reply_text")
    reply.fill("Hola Rosa:\n\n")
    suggested.get_by_role("button", name="Insert link").click()
    expect(reply).to_have_value(re.compile(rf"/{re.escape(article.slug)}/?"))
    reply.press("End")
    reply.type("\n\n")
    suggested.get_by_role("button", name="Insert text").click()
    expect(reply).to_have_value(re.compile(r"El enlace caduca a los \*\*30 minutos\*\*"))
    page.screenshot(path=str(artifacts / "search-reply.png"), full_page=True)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text("Reply")

    sent = Article.objects.filter(ticket=new_ticket, direction="out", kind="mail").get()
    assert article.slug in sent.text
    assert "30 minutos" in sent.text
    for recipients, message in relay.wait_for(1, timeout=20):
        if demo_knowledge.NEW_TICKET[1] in recipients:
            body = message.get_body(preferencelist=("plain",)).get_content()
            assert article.slug in body
            break
    else:
        raise AssertionError("the reply did not reach the relay")
