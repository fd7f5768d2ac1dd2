"""A pipeline ``Context`` for rule unit tests, built without touching the database."""

from __future__ import annotations

from ventanilla.mail.models import InboundMessage, Mailbox
from ventanilla.parse.parsing import parse_message
from ventanilla.pipeline.context import Context


def unsaved_ctx(raw: bytes, *, mailbox: Mailbox | None = None, envelope_from: str = "") -> Context:
    """Return a parsed context for ``raw`` with unsaved rows (rules only read them)."""
    return Context(
        inbound=InboundMessage(raw=raw, size=len(raw), envelope_from=envelope_from),
        mailbox=mailbox or Mailbox(address="soporte@empresa.es", prefix="SOP"),
        raw=raw,
        mail=parse_message(raw),
    )
