"""The reports in a real browser: a supervisor opens the reports from the top bar, changes
the period and a filter, sees the charts drawn (inline SVG under the workspace's strict CSP)
and downloads a table as CSV. Screenshots go to ``test-artifacts/browser/reports-*.png``.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from ventanilla.agents.models import Team
from ventanilla.ops.demo_history import demo_history_generate

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "secret-pass-123"


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/"))


def test_supervisor_reads_filters_and_downloads(
    live_server, page: Page, mailbox, make_agent, artifacts
):
    team = Team.objects.create(name="Soporte")
    agents = [make_agent(n, teams=[team], password=PASSWORD) for n in ("marta", "tom")]
    make_agent("sara", role="supervisor", language="en", password=PASSWORD)
    demo_history_generate(
        mailbox=mailbox, agents=agents, team="Soporte", count=120, weeks=10, seed=3
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url

    _login(page, base, "sara")
    page.click("nav.top-links >> text=Reports")
    expect(page).to_have_url(re.compile(r"/reports/"))
    expect(page.locator("#chart-volume svg polyline").first).to_be_visible()
    page.screenshot(path=str(artifacts / "reports-30d.png"), full_page=True)

    page.select_option("#id_period", "90d")
    page.fill("#id_agent", "marta")
    page.click(".report-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"period=90d.*agent=marta"))
    rows = page.locator("#table-agent tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").first).to_have_text("marta")
    for name in ("volume", "backlog", "sla", "hours", "weekdays"):
        box = page.locator(f"#chart-{name} svg").bounding_box()
        assert box is not None, name
        assert box["width"] > 200, name
    page.screenshot(path=str(artifacts / "reports-90d-marta.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#table-agent a.csv")
    text = info.value.path().read_text(encoding="utf-8")
    rows_csv = list(csv.reader(io.StringIO(text)))
    assert rows_csv[1][0] == "marta"
    assert rows_csv[1][1] == page.locator("#table-agent tbody tr td").nth(1).inner_text()
    assert not [e for e in errors if "Content Security Policy" in e]
