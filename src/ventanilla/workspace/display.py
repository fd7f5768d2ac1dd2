"""Turn stored facts into what an agent reads: audit rows as sentences, blocked images.

Audit rows (``TicketEvent``) keep machine data; the sentence is chosen here at display time,
so the history reads in the agent's language (es/en) whatever language wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ventanilla.tickets.models import Priority, TicketEvent, TicketStatus


def _status(value: object) -> str:
    labels: dict[str, str] = {str(k): str(v) for k, v in TicketStatus.choices}
    return labels.get(str(value), str(value))


def _priority(value: object) -> str:
    labels = {str(k): str(v) for k, v in Priority.choices}
    return labels.get(str(value), str(value))


def _nobody(value: object) -> str:
    return str(value) if value else _("nobody")


# kind -> (English msgid, marked with gettext_noop for makemessages and translated at display time;
#          how to turn the event's data into its placeholders)
_FORMATS: dict[str, tuple[str, Any]] = {
    "created": (
        gettext_noop("Ticket %(number)s created from a mail"),
        lambda d: {"number": d.get("number")},
    ),
    "article-added": (
        gettext_noop("Message added from %(sender)s"),
        lambda d: {"sender": d.get("sender")},
    ),
    "status-changed": (
        gettext_noop("Status %(previous)s → %(new)s"),
        lambda d: {"previous": _status(d.get("previous")), "new": _status(d.get("new"))},
    ),
    "participant-added": (
        gettext_noop("Participant %(email)s added"),
        lambda d: {"email": d.get("email")},
    ),
    "ack-queued": (gettext_noop("Acknowledgement sent to the customer"), dict),
    "ack-suppressed": (gettext_noop("No acknowledgement sent"), dict),
    "bounce-received": (
        gettext_noop("Delivery failed to %(recipients)s"),
        lambda d: {"recipients": ", ".join(d.get("recipients") or [])},
    ),
    "outbound-failed": (gettext_noop("A mail could not be delivered"), dict),
    "assigned": (
        gettext_noop("Assigned: %(previous)s → %(new)s"),
        lambda d: {"previous": _nobody(d.get("previous")), "new": _nobody(d.get("new"))},
    ),
    "team-set": (
        gettext_noop("Team: %(previous)s → %(new)s"),
        lambda d: {"previous": _nobody(d.get("previous")), "new": _nobody(d.get("new"))},
    ),
    "reply-queued": (gettext_noop("Reply sent to the customer"), dict),
    "note-added": (gettext_noop("Internal note added"), dict),
    "priority-set": (
        gettext_noop("Priority set to %(priority)s (urgency %(urgency)s, impact %(impact)s)"),
        lambda d: {
            "priority": _priority(d.get("priority")),
            "urgency": d.get("urgency"),
            "impact": d.get("impact"),
        },
    ),
    "tags-set": (
        gettext_noop("Tags: %(tags)s"),
        lambda d: {"tags": ", ".join(d.get("tags") or d.get("new") or [])},
    ),
    "merged": (
        gettext_noop("Merged with %(other)s"),
        lambda d: {"other": d.get("target") or d.get("source")},
    ),
}


def event_text(event: TicketEvent) -> str:
    """Return one audit row as a sentence in the active language."""
    data: Mapping[str, Any] = event.data if isinstance(event.data, dict) else {}
    known = _FORMATS.get(event.kind)
    if known is None:
        # A kind added later by another module: still readable, never an error.
        return event.kind.replace("-", " ")
    sentence, values = known
    try:
        return str(_(sentence) % values(data))
    except (KeyError, TypeError, ValueError):
        return _(sentence.split("%", 1)[0]).strip() or event.kind


_BLOCKED_SRC = re.compile(r'\bdata-remote-src="')


def html_with_remote_images(html: str) -> str:
    """Return sanitised ``html`` with the blocked remote images allowed to load again.

    ``mail/html.py`` moved each remote ``src`` to ``data-remote-src``; this is the agent's
    explicit "show remote images" (the sender learns the message was opened).
    """
    return _BLOCKED_SRC.sub('src="', html)
