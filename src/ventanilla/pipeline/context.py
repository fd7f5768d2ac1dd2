"""The typed state that travels through the pipeline (not a dict of string keys)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ventanilla.customers.models import Customer
    from ventanilla.mail.models import InboundMessage, Mailbox
    from ventanilla.parse.dsn import DsnReport
    from ventanilla.parse.parsed import ParsedMail
    from ventanilla.tickets.models import Article, Ticket


class Outcome(StrEnum):
    """How processing of one message ended (maps onto ``InboundState``)."""

    PROCESSED = "processed"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


class MailKind(StrEnum):
    """What the message is, as decided by the rules (maps onto ``ArticleKind``)."""

    MAIL = "mail"
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"


@dataclass
class Body:
    """The body as we keep it: text, the customer's new text, and sanitised HTML."""

    text: str = ""
    new_text: str = ""
    html: str = ""  # sanitised: safe to show


@dataclass
class Bounce:
    """What a delivery status notification says (RFC 3464)."""

    recipients: list[str] = field(default_factory=list)
    permanent: bool = True
    status: str = ""  # e.g. "5.1.1"
    diagnostic: str = ""
    # Message-IDs found in the returned original (message/rfc822 or text/rfc822-headers part):
    # its own Message-ID first, then its In-Reply-To/References; used to find the ticket.
    original_message_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveRun:
    """What the import pipeline is told about the archive being imported.

    The agents: addresses and domains named for the import, and every agent login's
    e-mail (read once per import). ``may_defer`` is True during the passes in which a
    message whose parent is not imported yet may wait for a later pass. ``history_status``
    is the status its tickets are given (``handlers/imported_history.py``).
    """

    agent_addresses: frozenset[str] = frozenset()
    agent_domains: frozenset[str] = frozenset()
    user_emails: frozenset[str] = frozenset()
    may_defer: bool = False
    history_status: str = "closed"  # of the imported tickets: "closed" or "open"


@dataclass
class Context:
    """Everything known about one message while the pipeline runs."""

    inbound: InboundMessage
    mailbox: Mailbox
    raw: bytes
    mail: ParsedMail | None = None
    kind: MailKind = MailKind.MAIL
    bounce: Bounce | None = None
    # Rules that matched / did not (Mailman's rule_hits / rule_misses): every decision explained.
    rule_hits: list[str] = field(default_factory=list)
    rule_misses: list[str] = field(default_factory=list)
    # Human-readable reasons, e.g. "Auto-Submitted: auto-replied".
    reasons: list[str] = field(default_factory=list)
    # Why no acknowledgement may be sent; empty means one may be.
    no_ack: list[str] = field(default_factory=list)
    possible_spoof: bool = False
    # Sender trust (``handlers/authenticate.py``): ``AuthVerdict.as_json()``, stored on the row.
    authentication: dict[str, Any] = field(default_factory=dict)
    body: Body = field(default_factory=Body)
    language: str = ""
    customer: Customer | None = None
    ticket: Ticket | None = None
    thread_reason: str = ""  # how the ticket was found: token / message-id / subject / new
    created_ticket: bool = False
    article: Article | None = None
    outcome: Outcome = Outcome.PROCESSED
    stopped: bool = False
    # ``dsn.classify`` of the message, computed once for the rules that ask (bounce and
    # auto-submitted): None until classified, False when the message is no report at all.
    dsn_report: DsnReport | Literal[False] | None = None
    # Import pipeline only: the running import (None when a message is reprocessed later),
    # whether the sender is one of the archive's agents, and what the import steps made of
    # the message ("agent-reply", "deferred" or ""), handed back in ``ProcessResult``.
    archive: ArchiveRun | None = None
    imported_agent: bool = False
    imported_as: str = ""
    history_settled: bool = False  # this message gave its ticket its history status

    def stop(self, outcome: Outcome, reason: str) -> None:
        """End processing here with ``outcome``; the runner skips the remaining steps."""
        self.outcome = outcome
        self.reasons.append(reason)
        self.stopped = True

    def suppress_ack(self, reason: str) -> None:
        """Record that this message must not be acknowledged, and why."""
        if reason not in self.no_ack:
            self.no_ack.append(reason)

    @property
    def parsed(self) -> ParsedMail:
        """Return the parsed mail (set by the ``parse`` step; an error before it)."""
        if self.mail is None:
            msg = "the parse step has not run"
            raise RuntimeError(msg)
        return self.mail
