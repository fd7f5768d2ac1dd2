"""Contracts for pipeline steps: rules decide, handlers act."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from ventanilla.pipeline.context import Context


class Rule(Protocol):
    """A predicate over a message (Mailman's IRule).

    ``check`` has no side effects other than appending to ``ctx.reasons`` (and, for the
    bounce rule, filling ``ctx.bounce``); what a hit *does* is decided by the chain.
    """

    name: str
    description: str

    def check(self, ctx: Context) -> bool:
        """Return True when the rule matches ``ctx``."""
        ...


class Handler(Protocol):
    """A step that changes things (Mailman's IHandler); may call ``ctx.stop(...)``."""

    name: str
    description: str

    def process(self, ctx: Context) -> None:
        """Do this step's work on ``ctx``."""
        ...


class Action(StrEnum):
    """What a rule hit does to the message."""

    QUARANTINE = "quarantine"  # stop; keep for an admin to look at and reprocess
    DISCARD = "discard"  # stop; state "ignored" (loops, blocked senders)
    AUTO_REPLY = "auto-reply"  # automatic mail: no ack, never opens or reopens a ticket
    BOUNCE = "bounce"  # delivery report: like AUTO_REPLY, and record the failed recipient
    NO_ACK = "no-ack"  # a normal ticket, but no acknowledgement
