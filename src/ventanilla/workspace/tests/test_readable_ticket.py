"""What a newcomer reads on the ticket page, in Spanish and English: addresses, the folded
message, every history row translated with the right gender, agents by name, business time.
"""

from __future__ import annotations

import inspect
import re
from email import message_from_bytes, policy

import pytest
from django.urls import reverse
from django.utils import translation

from ventanilla.agents.models import Notification
from ventanilla.agents.names import agent_display_name
from ventanilla.mail.models import OutboundMessage
from ventanilla.tickets import events as events_module
from ventanilla.tickets.assignment import ticket_assign
from ventanilla.tickets.models import Article, TicketEvent
from ventanilla.workspace.history import KNOWN_KINDS, event_text
from ventanilla.workspace.sla import duration_text


@pytest.fixture
def agents(make_agent, teams):
    """Agents with names (and one without), reading Spanish and English."""
    team_a = teams[0]
    return {
        "es": make_agent("pepe", teams=[team_a], first_name="José", last_name="Gil"),
        "en": make_agent(
            "emma", teams=[team_a], language="en", first_name="Emma", last_name="Stone"
        ),
        "ana": make_agent("ana.r", teams=[team_a], first_name="Ana", last_name="Ruiz"),
        "sup": make_agent("sara", role="supervisor", first_name="Sara", last_name="Díaz"),
    }


def _page(client, user, ticket) -> str:
    client.force_login(user)
    return str(client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode())


def _article(page: str, article: Article) -> str:
    return page.split(f'id="article-{article.pk}"', 1)[1].split("</article>", 1)[0]


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


# -- History -------------------------------------------------------------------------------

_KIND_RE = re.compile(r'_event\(\s*\w+,\s*"([a-z-]+)"')

SAMPLES: dict[str, dict[str, object]] = {
    "created": {"number": "SOP-2026-00001"},
    "article-added": {"direction": "in", "kind": "mail", "sender": "lucia@cliente.es"},
    "status-changed": {"previous": "new", "new": "open"},
    "participant-added": {"email": "luis@cliente.es", "role": "cc"},
    "bounce-received": {"recipients": ["x@cliente.es"], "permanent": True},
    "history-settled": {"status": "closed", "last_activity_at": "2026-01-02T10:00:00+00:00"},
    "sender-flagged": {"email": "flood@cliente.es", "reason": "flood"},
    "assigned": {"previous": "", "new": "ana.r"},
    "team-set": {"previous": "", "new": "Equipo A"},
    "merged": {"source": "SOP-2026-00009", "target": "SOP-2026-00001", "moved": {}},
    "tags-set": {"added": ["vpn"], "removed": []},
    "follow-up": {"previous": "SOP-2026-00002", "follow_up": "SOP-2026-00003"},
    "triage-suggested": {"suggestion": {"urgency": "high", "impact": "medium", "priority": 2}},
    "priority-set": {"urgency": "medium", "impact": "low", "priority": 3, "previous": {}},
    "sla-started": {
        "priority": 2,
        "first_response_due_at": "2026-11-24T12:00:00+00:00",
        "resolution_due_at": "2026-11-26T12:00:00+00:00",
    },
    "first-response": {"at": "2026-11-24T10:00:00+00:00", "within_sla": True},
    "sla-warning": {"target": "first_response", "due_at": "2026-11-24T12:00:00+00:00"},
    "sla-breached": {"target": "resolution", "due_at": "2026-11-26T12:00:00+00:00"},
}


def _written_kinds() -> set[str]:
    return set(_KIND_RE.findall(inspect.getsource(events_module)))


def test_every_kind_written_has_a_sentence():
    kinds = _written_kinds()
    assert len(kinds) >= 25  # the parse found the event functions
    assert kinds <= KNOWN_KINDS, kinds - KNOWN_KINDS


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_history_row_is_a_translated_sentence(client, agents, teams, make_ticket, lang):
    ticket = make_ticket(team=teams[0])
    for kind in sorted(_written_kinds()):
        TicketEvent.objects.create(ticket=ticket, kind=kind, data=SAMPLES.get(kind, {}))
    page = _page(client, agents[lang], ticket)
    history = page.split('class="card history"', 1)[1]
    # No generic fallback: every row has its own sentence.
    assert ("Registrado:" if lang == "es" else "Recorded:") not in history
    if lang == "es":
        for kind in _written_kinds():
            # No raw code ("triage suggested", "sla started", "resolution note").
            assert kind.replace("-", " ") not in history, kind
        for english in ("Message", "Status", "Priority", "triage", "first response", "SLA started"):
            assert english not in history, english
        assert "Recibido un mensaje de lucia@cliente.es" in history
        assert "Prioridad sugerida" in history


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "(urgencia media, impacto bajo)"),
        ("en", "(urgency medium, impact low)"),
    ],
)
def test_priority_row_levels_agree_with_their_noun(lang, expected):
    event = TicketEvent(kind="priority-set", data=SAMPLES["priority-set"])
    with translation.override(lang):
        assert expected in event_text(event)


@pytest.mark.parametrize("level", ["high", "medium", "low"])
def test_spanish_gender_of_each_level(level):
    forms = {"high": ("alta", "alto"), "medium": ("media", "medio"), "low": ("baja", "bajo")}
    urgency, impact = forms[level]
    event = TicketEvent(
        kind="priority-set", data={"urgency": level, "impact": level, "priority": 2}
    )
    with translation.override("es"):
        assert f"urgencia {urgency}, impacto {impact})" in event_text(event)


@pytest.mark.parametrize(
    ("lang", "data", "expected"),
    [
        ("es", {"direction": "out", "kind": "note", "sender": ""}, "Nota interna añadida"),
        (
            "es",
            {"direction": "in", "kind": "mail", "sender": ""},
            "Mensaje añadido a la conversación",
        ),
        (
            "en",
            {"direction": "in", "kind": "mail", "sender": ""},
            "Message added to the conversation",
        ),
        (
            "en",
            {"direction": "in", "kind": "mail", "sender": "a@b.es"},
            "Message received from a@b.es",
        ),
        ("es", {"sender": ""}, "Mensaje añadido a la conversación"),  # an old row, no kind
    ],
)
def test_message_added_never_reads_with_an_empty_sender(lang, data, expected):
    with translation.override(lang):
        assert event_text(TicketEvent(kind="article-added", data=data)) == expected


def test_priority_form_and_suggestion_agree_in_spanish(client, agents, teams, make_ticket):
    ticket = make_ticket(
        team=teams[0], suggestion={"urgency": "high", "impact": "medium", "priority": 2}
    )
    page = _page(client, agents["es"], ticket)
    urgency = page.split('name="urgency"', 1)[1].split("</select>", 1)[0]
    impact = page.split('name="impact"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r">\w+<", urgency) == [">alta<", ">media<", ">baja<"]
    assert re.findall(r">\w+<", impact) == [">alto<", ">medio<", ">bajo<"]
    assert "urgencia alta, impacto medio" in page


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
