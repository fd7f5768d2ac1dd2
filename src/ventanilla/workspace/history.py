"""A ticket's audit rows as sentences in the agent's language (es/en).

``TicketEvent`` rows keep machine data (codes, usernames, ISO dates); the sentence is built
here at display time, so every row, old ones included, reads in the agent's language and
with the agents' names, whatever language wrote it. Each kind written by
``tickets/events.py`` has one function below; a kind without one still reads as a
translated generic sentence, never as a raw code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ventanilla.agents.names import agent_display_names
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Priority, Rating, TicketEvent
from ventanilla.tickets.models import TicketStatus as S
from ventanilla.workspace.display import level_label

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Facts:
    """What a sentence may need besides its row: the ticket shown and the agents' names."""

    number: str
    names: Mapping[str, str]

    def agent(self, username: object) -> str:
        """Return an agent's display name from a stored username ("nobody" for "")."""
        if not username:
            return _("nobody")
        if username == "system":
            return _("the system")
        return self.names.get(str(username), str(username))


def _status(value: object) -> str:
    return {str(k): str(v) for k, v in S.choices}.get(str(value), str(value))


def _priority(value: object) -> str:
    return {str(k): str(v) for k, v in Priority.choices}.get(str(value), str(value))


def _when(value: object) -> str:
    """Return a stored ISO date in the agent's time zone and format ("—" when unknown)."""
    moment = parse_datetime(str(value)) if value else None
    if moment is None:
        return "—"
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _target(value: object) -> str:
    if value == "first_response":
        return _("first response")
    if value == "resolution":
        return _("resolution")
    return str(value or "")


def _article_added(d: Data, f: Facts) -> str:
    sender = str(d.get("sender") or "")
    kind, direction = d.get("kind"), d.get("direction")
    if kind == ArticleKind.NOTE:
        return _("Internal note added")
    if kind == ArticleKind.BOUNCE:
        return _("Delivery report received")
    if kind == ArticleKind.AUTO_REPLY:
        return _("Automatic reply received from %(sender)s") % {"sender": sender or "—"}
    if direction == ArticleDirection.OUT:
        return _("Mail to the customer added to the conversation")
    if sender:
        return _("Message received from %(sender)s") % {"sender": sender}
    return _("Message added to the conversation")


def _priority_set(d: Data, f: Facts) -> str:
    return _("Priority set to %(priority)s (urgency %(urgency)s, impact %(impact)s)") % {
        "priority": _priority(d.get("priority")),
        "urgency": level_label("urgency", d.get("urgency")),
        "impact": level_label("impact", d.get("impact")),
    }


def _triage_suggested(d: Data, f: Facts) -> str:
    s = d.get("suggestion") if isinstance(d.get("suggestion"), dict) else {}
    if not s or not s.get("urgency"):
        return _("No priority could be suggested")
    return _("Suggested priority %(priority)s (urgency %(urgency)s, impact %(impact)s)") % {
        "priority": _priority(s.get("priority")),
        "urgency": level_label("urgency", s.get("urgency")),
        "impact": level_label("impact", s.get("impact")),
    }


def _tags_set(d: Data, f: Facts) -> str:
    added = ", ".join(d.get("added") or d.get("tags") or d.get("new") or [])
    removed = ", ".join(d.get("removed") or [])
    if added and removed:
        return _("Tags added: %(added)s; removed: %(removed)s") % {
            "added": added,
            "removed": removed,
        }
    if removed:
        return _("Tags removed: %(tags)s") % {"tags": removed}
    return _("Tags added: %(tags)s") % {"tags": added or "—"}


def _merged(d: Data, f: Facts) -> str:
    source, target = str(d.get("source") or ""), str(d.get("target") or "")
    if target and target != f.number:
        return _("Merged into %(other)s") % {"other": target}
    return _("%(other)s was merged into this ticket") % {"other": source or "—"}


def _follow_up(d: Data, f: Facts) -> str:
    previous, follow_up = str(d.get("previous") or ""), str(d.get("follow_up") or "")
    if follow_up == f.number:
        return _("Follow-up of the closed ticket %(other)s") % {"other": previous}
    return _("A reply opened the follow-up ticket %(other)s") % {"other": follow_up}


def _first_response(d: Data, f: Facts) -> str:
    within = d.get("within_sla")
    if within is True:
        return _("First response given (within the SLA)")
    if within is False:
        return _("First response given (after the SLA target)")
    return _("First response given")


def _sla_started(d: Data, f: Facts) -> str:
    return _("SLA started: first response due %(first)s, resolution due %(resolution)s") % {
        "first": _when(d.get("first_response_due_at")),
        "resolution": _when(d.get("resolution_due_at")),
    }


def _rated(d: Data, f: Facts) -> str:
    labels = {str(k): str(v) for k, v in Rating.choices}
    rating = labels.get(str(d.get("rating")), "—")
    previous = labels.get(str(d.get("previous") or ""), "")
    if previous:
        text = _("The customer changed his rating of the solution from %(previous)s to %(rating)s")
        text %= {"previous": previous, "rating": rating}
    else:
        text = _("The customer rated the solution as %(rating)s") % {"rating": rating}
    return text + (_(", with a comment") if d.get("has_comment") else "")


_SENTENCES: dict[str, Callable[[Data, Facts], str]] = {
    "created": lambda d, f: (
        _("Ticket %(number)s created from a mail") % {"number": d.get("number")}
    ),
    "article-added": _article_added,
    "status-changed": lambda d, f: (
        _("Status %(previous)s → %(new)s")
        % {"previous": _status(d.get("previous")), "new": _status(d.get("new"))}
    ),
    "participant-added": lambda d, f: _("Participant %(email)s added") % {"email": d.get("email")},
    "ack-queued": lambda d, f: _("Acknowledgement sent to the customer"),
    "ack-suppressed": lambda d, f: _("No acknowledgement sent"),
    "bounce-received": lambda d, f: (
        _("Delivery failed to %(recipients)s")
        % {"recipients": ", ".join(d.get("recipients") or []) or "—"}
    ),
    "outbound-failed": lambda d, f: _("A mail could not be delivered"),
    "history-settled": lambda d, f: (
        _("Imported from the old system with status %(status)s")
        % {"status": _status(d.get("status"))}
    ),
    "sender-flagged": lambda d, f: (
        _("Sender %(email)s flagged for sending too much mail") % {"email": d.get("email")}
    ),
    "assigned": lambda d, f: (
        _("Assigned: %(previous)s → %(new)s")
        % {"previous": f.agent(d.get("previous")), "new": f.agent(d.get("new"))}
    ),
    "team-set": lambda d, f: (
        _("Team: %(previous)s → %(new)s")
        % {"previous": d.get("previous") or _("none"), "new": d.get("new") or _("none")}
    ),
    "reply-queued": lambda d, f: _("Reply sent to the customer"),
    "note-added": lambda d, f: _("Internal note added"),
    "resolution-note": lambda d, f: _("Resolution note written"),
    "resolution-mail-queued": lambda d, f: _("Resolution notice sent to the customer"),
    "resolution-mail-suppressed": lambda d, f: _("No resolution notice sent"),
    "rated": _rated,
    "portal-links-revoked": lambda d, f: _("The customer's links to this ticket were revoked"),
    "customer-erased": lambda d, f: _(
        "The customer's personal data was erased (the ticket stays, anonymised)"
    ),
    "customer-portal-links-revoked": lambda d, f: (
        _("All portal links of %(email)s were revoked") % {"email": d.get("customer")}
    ),
    "merged": _merged,
    "tags-set": _tags_set,
    "follow-up": _follow_up,
    "triage-suggested": _triage_suggested,
    "priority-set": _priority_set,
    "sla-started": _sla_started,
    "first-response": _first_response,
    "sla-warning": lambda d, f: (
        _("SLA warning: %(target)s due %(due)s")
        % {"target": _target(d.get("target")), "due": _when(d.get("due_at"))}
    ),
    "sla-breached": lambda d, f: (
        _("SLA breached: %(target)s was due %(due)s")
        % {"target": _target(d.get("target")), "due": _when(d.get("due_at"))}
    ),
}

KNOWN_KINDS = frozenset(_SENTENCES)


def event_text(event: TicketEvent, facts: Facts | None = None) -> str:
    """Return one audit row as a sentence in the active language."""
    facts = facts or Facts(number="", names={})
    data: Data = event.data if isinstance(event.data, dict) else {}
    sentence = _SENTENCES.get(event.kind)
    if sentence is not None:
        try:
            return sentence(data, facts)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a malformed old row: the generic sentence below still reads
    return _("Recorded: %(what)s") % {"what": event.kind.replace("-", " ")}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history as shown: the row, its sentence and who did it."""

    event: TicketEvent
    text: str
    actor: str


def history_entries(*, events: Iterable[TicketEvent], number: str) -> list[HistoryEntry]:
    """Return the rows as sentences with agents' display names (one query for all names)."""
    rows = list(events)
    usernames = {e.actor for e in rows}
    for e in rows:
        if e.kind == "assigned" and isinstance(e.data, dict):
            usernames.update(str(e.data.get(k) or "") for k in ("previous", "new"))
    facts = Facts(number=number, names=agent_display_names(usernames))
    return [HistoryEntry(e, event_text(e, facts), facts.agent(e.actor)) for e in rows]
