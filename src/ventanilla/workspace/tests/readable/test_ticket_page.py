"""What a newcomer reads on the ticket page (es/en): addresses, folded message, agents, SLA."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.urls import reverse
from django.utils import translation

from ventanilla.agents.models import Notification
from ventanilla.agents.names import agent_display_name
from ventanilla.mail.models import OutboundMessage
from ventanilla.tickets.assignment import ticket_assign
from ventanilla.tickets.models import Article
from ventanilla.workspace.sla import duration_text
from ventanilla.workspace.tests.readable.support import _article, _page

# -- Cc ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_cc_reads_as_addresses_not_a_python_dict(client, agents, teams, make_ticket, lang):
    ticket = make_ticket(team=teams[0])
    article = ticket.articles.get()
    article.cc = [
        {"name": "Luis Martín", "email": "luis@cliente.es"},
        {"name": "", "email": "m@x.es"},
    ]
    article.save(update_fields=["cc"])
    part = _article(_page(client, agents[lang], ticket), article)
    assert "Luis Martín &lt;luis@cliente.es&gt;, m@x.es" in part
    assert "&#x27;email&#x27;" not in part
    assert "{" not in part.split("Cc", 1)[1].split("</div>", 1)[0]


# -- The expander --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_expander_when_nothing_more_to_show(client, agents, teams, make_ticket, lang):
    ticket = make_ticket(team=teams[0])
    plain = Article.objects.create(
        ticket=ticket, direction="in", kind="mail", text="Gracias, ya funciona.\n",
        new_text="Gracias, ya funciona.",
    )  # fmt: skip
    note = Article.objects.create(
        ticket=ticket, direction="out", kind="note", text="Llamé al cliente.\n",
        new_text="Llamé al cliente.", author=agents["ana"],
    )  # fmt: skip
    page = _page(client, agents[lang], ticket)
    assert "<details>" not in _article(page, plain)
    assert "<details>" not in _article(page, note)


@pytest.mark.parametrize(
    ("lang", "quoted", "as_sent"),
    [
        (
            "es",
            "Mostrar el mensaje completo (historial citado)",
            "Mostrar el mensaje tal como se envió",
        ),
        ("en", "Show the whole message (quoted history)", "Show the message as sent"),
    ],
)
def test_expander_says_what_it_hides(client, agents, teams, make_ticket, lang, quoted, as_sent):
    ticket = make_ticket(team=teams[0])
    with_quote = ticket.articles.get()  # its text has "> texto citado" below the new text
    with_quote.html = ""
    with_quote.save(update_fields=["html"])
    html_only = Article.objects.create(
        ticket=ticket, direction="in", kind="mail", text="Hola", new_text="Hola",
        html="<p><b>Hola</b></p>",
    )  # fmt: skip
    page = _page(client, agents[lang], ticket)
    assert f"<summary>{quoted}</summary>" in _article(page, with_quote)
    assert f"<summary>{as_sent}</summary>" in _article(page, html_only)


# -- Agents by name ------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "nobody"), [("es", "nadie"), ("en", "nobody")])
def test_agents_are_shown_by_name(client, agents, teams, make_ticket, lang, nobody):
    ticket = make_ticket(team=teams[0])
    ticket_assign(ticket=ticket, assignee=agents["ana"], actor=agents["sup"])
    page = _page(client, agents[lang], ticket)
    menu = page.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    assert ">Ana Ruiz<" in menu
    assert ">ana.r<" not in menu
    history = page.split('class="card history"', 1)[1]
    assert f"{nobody} → Ana Ruiz" in history
    assert "— Sara Díaz" in history
    assert "ana.r" not in history
    assert "<strong>Ana Ruiz</strong>" in page  # the assignee in the side bar
    client.force_login(agents[lang])
    inbox = client.get(reverse("workspace:inbox", args=["open"])).content.decode()
    assert "Ana Ruiz" in inbox


@pytest.mark.parametrize(
    ("assignee", "expected"),
    [("es", "Sara Díaz te ha asignado"), ("en", "was assigned to you by Sara Díaz")],
)
def test_assignment_notice_and_mail_name_the_agent(agents, teams, make_ticket, assignee, expected):
    ticket = make_ticket(team=teams[0])
    ticket_assign(ticket=ticket, assignee=agents[assignee], actor=agents["sup"])
    notice = Notification.objects.get(user=agents[assignee])
    assert expected in notice.text
    assert "sara" not in notice.text
    raw = OutboundMessage.objects.get(kind="notification").raw
    mail = message_from_bytes(bytes(raw), policy=policy.default)
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    body = part.get_content()
    assert expected in body
    assert "sara" not in body
    assert mail["To"].addresses[0].display_name == agent_display_name(agents[assignee])


# -- SLA in business time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "minutes", "expected"),
    [
        ("es", 39 * 60 + 5, "39 h 05 min hábiles"),
        ("en", 39 * 60 + 5, "39 h 05 min business time"),
        ("es", 25, "25 min hábiles"),
        ("en", -(3 * 60), "3 h 00 min business time"),
    ],
)
def test_sla_clock_says_business_time(lang, minutes, expected):
    with translation.override(lang):
        assert duration_text(minutes) == expected


@pytest.mark.parametrize(
    ("assignee", "expected"),
    [
        ("es", "Se te ha asignado {number} automáticamente"),
        ("en", "{number} was assigned to you automatically"),
    ],
)
def test_automatic_assignment_notice_reads_naturally(
    agents, teams, make_ticket, assignee, expected
):
    ticket = make_ticket(team=teams[0])
    ticket_assign(ticket=ticket, assignee=agents[assignee], actor=None, reason="round-robin")
    notice = Notification.objects.get(user=agents[assignee])
    assert expected.format(number=ticket.number) in notice.text
