"""The report pages: who sees what, the filters, the charts, and CSV equal to the tables."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.reports.csv_export import csv_cell
from ventanilla.reports.models import SummaryOptOut
from ventanilla.tickets import events
from ventanilla.tickets.models import Tag
from ventanilla.tickets.services import ticket_create_from_mail
from ventanilla.tickets.states import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(mailbox):
    """Three tickets today: two of ana (one resolved, tagged "=cmd()"), one of luis."""
    for n, (agent, resolve) in enumerate([("ana", True), ("ana", False), ("luis", True)]):
        customer = customer_upsert_from_mail(email=f"c{n}@cliente.es", name="C")
        ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject="s",
            received_at=timezone.now(),
            language="es",
        )
        events.ticket_assigned_event(ticket=ticket, previous="", new=agent, actor="x")
        if n == 0:
            Tag.objects.create(name="=cmd()")
            events.ticket_tags_set_event(ticket=ticket, added=["=cmd()"], removed=[], actor="x")
        if resolve:
            ticket_transition(ticket=ticket, to="resolved")


def table(html: bytes, slug: str) -> list[list[str]]:
    """The cells of the report table ``slug`` as the browser shows them."""
    section = BeautifulSoup(html, "html.parser").find(id=f"table-{slug}")
    assert section is not None
    return [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in section.find_all("tr")]


def test_supervisor_sees_the_team_report_with_valid_svg_charts(client, make_agent, history):
    client.force_login(make_agent("sup", role="supervisor"))
    response = client.get(reverse("reports:home"), {"period": "7d"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    svgs = soup.find_all("svg")
    assert len(svgs) == 6
    for svg in svgs:
        ET.fromstring(str(svg))  # well-formed XML
    agents = {row[0]: row[1:3] for row in table(response.content, "agent")[1:]}
    assert agents == {"ana": ["2", "1"], "luis": ["1", "1"]}


def test_agent_is_sent_to_his_own_figures_and_sees_only_them(client, make_agent, history):
    client.force_login(make_agent("ana"))
    assert client.get(reverse("reports:home")).url == reverse("reports:mine")
    response = client.get(reverse("reports:mine"))
    assert response.status_code == 200
    rows = table(response.content, "agent")[1:]
    assert [r[:3] for r in rows] == [["ana", "2", "1"]]
    assert b"luis" not in response.content
    # No agent filter on his page: ?agent=luis changes nothing.
    again = client.get(reverse("reports:mine"), {"agent": "luis"})
    assert [r[:3] for r in table(again.content, "agent")[1:]] == [["ana", "2", "1"]]


def test_agent_may_not_download_the_team_csv(client, make_agent, history):
    client.force_login(make_agent("ana"))
    assert client.get(reverse("reports:csv", args=["team", "agent"])).status_code == 403
    assert client.get(reverse("reports:csv", args=["mine", "agent"])).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize(
    "slug", ["volume", "times", "priority", "team", "agent", "tags", "busy", "mail"]
)
def test_csv_equals_the_table_on_the_page(client, make_agent, history, slug):
    client.force_login(make_agent("sup", role="supervisor"))
    query = {"period": "30d", "mailbox": ""}
    page = client.get(reverse("reports:home"), query)
    download = client.get(reverse("reports:csv", args=["team", slug]), query)
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows == [[csv_cell(c) for c in row] for row in table(page.content, slug)]


def test_csv_neutralises_formulas(client, make_agent, history):
    client.force_login(make_agent("sup", role="supervisor"))
    text = client.get(reverse("reports:csv", args=["team", "tags"])).content.decode()
    assert "'=cmd()" in text
    assert ",=cmd()" not in text
    assert not text.startswith("=")


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("ok", "ok"), ("3", "3")],
)
def test_csv_cell(value, safe):
    assert csv_cell(value) == safe


def test_filter_by_tag_and_agent(client, make_agent, history):
    client.force_login(make_agent("sup", role="supervisor"))
    response = client.get(reverse("reports:home"), {"tag": "=cmd()", "agent": "ana"})
    assert response.status_code == 200
    assert table(response.content, "agent")[1][:3] == ["ana", "1", "1"]  # tagged on arrival


def test_supervisor_can_stop_and_restart_the_weekly_summary(client, make_agent):
    user = make_agent("sup", role="supervisor")
    client.force_login(user)
    client.post(reverse("reports:summary"), {"receive": "0"})
    assert SummaryOptOut.objects.filter(user=user).exists()
    client.post(reverse("reports:summary"), {"receive": "1"})
    assert not SummaryOptOut.objects.filter(user=user).exists()
