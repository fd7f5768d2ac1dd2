"""Content-Security-Policy and no-store, as a real browser (Debian's Chromium) receives them.

The policy must be enforced (a script slipped into the page does not run, and the browser
reports the violation) while everything of our own keeps working: htmx swaps the inbox
rows, the mail frame of the ticket page keeps its styles, the admin site loads, and no page
of ours triggers a single violation. Private pages reach the browser with
``Cache-Control: no-store``.
"""

from __future__ import annotations

import re

import pytest
from conftest import build_mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from ventanilla.tickets.models import Ticket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "secret-pass-123"

# Runs before any script of the page (Playwright injects it through the DevTools protocol,
# which the page's policy does not govern): it records every violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI,
                            sample: e.sample});
});
"""

# Slip an inline script and an inline event handler into the page, as an HTML injection
# would; then report whether either ran and which violations the browser reported.
INJECT = """
() => new Promise((resolve) => {
  const script = document.createElement("script");
  script.textContent = "window.__injected = 'script ran';";
  document.body.appendChild(script);
  const holder = document.createElement("div");
  holder.innerHTML = '<img src="/static/workspace/none.png" onerror="window.__handler = 1">';
  document.body.appendChild(holder);
  setTimeout(() => resolve({
    script: window.__injected || null,
    handler: window.__handler || null,
    violations: window.__violations.map((v) => v.directive),
  }), 500);
})
"""


def _violations(page: Page) -> list[dict[str, str]]:
    return page.evaluate("window.__violations")  # type: ignore[no-any-return]


def _login(page: Page, base: str) -> None:
    page.goto(base + reverse("workspace:login"))
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/"))


@pytest.fixture
def ana(mailbox, team, make_agent):
    mailbox.team = team
    mailbox.save(update_fields=["team"])
    return make_agent("ana", teams=[team], language="en", password=PASSWORD)


def test_policy_blocks_injected_script_and_htmx_still_works(
    live_server, page: Page, ana, deliver, artifacts
):
    base = live_server.url
    page.add_init_script(RECORD_VIOLATIONS)
    deliver(build_mail(subject="Primera incidencia"))

    _login(page, base)
    inbox_url = base + reverse("workspace:inbox", args=["unassigned"])
    response = page.goto(inbox_url)
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "no-store" in response.headers["cache-control"]
    expect(page.locator("#inbox-rows")).to_contain_text("Primera incidencia")
    assert page.evaluate("typeof window.htmx") == "object"  # the vendored file ran
    assert _violations(page) == []  # nothing of ours breaks the policy

    # Enforced: neither injected piece runs, and the browser reports both.
    outcome = page.evaluate(INJECT)
    assert outcome["script"] is None
    assert outcome["handler"] is None
    assert "script-src-elem" in outcome["violations"]
    assert "script-src-attr" in outcome["violations"]

    # htmx under the policy: the rows refresh themselves (every 30 s) and show new mail.
    deliver(build_mail(subject="Segunda incidencia", message_id="<dos@cliente.es>"))
    with page.expect_response(
        lambda r: r.request.headers.get("hx-request") == "true", timeout=45_000
    ) as polled:
        pass
    assert polled.value.status == 200
    assert polled.value.request.headers.get("x-csrftoken")  # hx-headers read without eval
    expect(page.locator("#inbox-rows")).to_contain_text("Segunda incidencia")
    page.screenshot(path=str(artifacts / "csp-inbox.png"), full_page=True)


def test_mail_frame_keeps_its_styles_under_the_pages_policy(live_server, page: Page, ana, deliver):
    """The frame inherits the ticket page's policy; mail styled inline must still show."""
    page.add_init_script(RECORD_VIOLATIONS)
    deliver(
        build_mail(
            subject="Con formato",
            html='<p style="color: rgb(200, 0, 0)">Texto en rojo</p>',
        )
    )
    ticket = Ticket.objects.get()
    _login(page, live_server.url)
    response = page.goto(live_server.url + reverse("workspace:ticket", args=[ticket.number]))
    assert response is not None
    assert "no-store" in response.headers["cache-control"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".article details > summary").first.click()  # the HTML body is folded
    styled = page.frame_locator(".article-html iframe").first.get_by_text("Texto en rojo")
    expect(styled).to_have_text("Texto en rojo")
    assert styled.evaluate("e => getComputedStyle(e).color") == "rgb(200, 0, 0)"
    assert _violations(page) == []
    # The looser style rule of this page leaves scripts as strict as anywhere else.
    injected = page.evaluate(INJECT)
    assert (injected["script"], injected["handler"]) == (None, None)
    assert {"script-src-elem", "script-src-attr"} <= set(injected["violations"])


def test_admin_site_works_under_the_policy(live_server, page: Page, make_agent):
    make_agent("adan", role="admin", password=PASSWORD)
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server.url + reverse("admin:login"))
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "adan")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(live_server.url + "/admin/mail/mailbox/add/")
    expect(page.locator("#content")).to_be_visible()
    assert _violations(page) == []
