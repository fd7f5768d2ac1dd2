"""Every history row of the ticket page is a translated sentence, with the right Spanish gender."""

from __future__ import annotations

import inspect
import re

import pytest
from django.utils import translation

from ventanilla.tickets import events as events_module
from ventanilla.tickets.models import TicketEvent
from ventanilla.workspace.history import KNOWN_KINDS, event_text
from ventanilla.workspace.tests.readable.support import _page

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
    "rated": {"rating": "bad", "previous": "good", "has_comment": True},
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
