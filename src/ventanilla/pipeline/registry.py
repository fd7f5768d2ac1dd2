"""The pipelines as data: their rule chains and handler orders, by name.

Two named pipelines, chosen by the message's source (`pipeline_for`), as GNU Mailman
has a second pipeline for mail that was already processed elsewhere:

- ``live``: mail arriving now (SMTP, LMTP, IMAP, pipe, HTTP);
- ``import``: an archive read by ``ventanilla mail import``. Its history is recorded as
  it was: no sender check against today's keys, agents' replies kept as outbound
  articles (never acted on again), the mail's own dates, no SLA clock and no routing,
  and each ticket has its history status and dates from the mail that opens it on.

To add a step: write the class in ``rules/<noun>.py`` or ``handlers/<noun>.py`` (with
``name`` and ``description``), add it to ``RULES`` or ``HANDLERS`` below, put its name in
the chain or handler order of each pipeline it belongs to, and add
``pipeline/tests/test_<noun>.py``. Nothing is discovered by scanning modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ventanilla.mail.models import InboundSource
from ventanilla.pipeline.base import Action, Handler, Rule
from ventanilla.pipeline.handlers.acknowledge import Acknowledge
from ventanilla.pipeline.handlers.agent_mail import AgentMail
from ventanilla.pipeline.handlers.article import AppendArticle
from ventanilla.pipeline.handlers.attachments import StoreAttachments
from ventanilla.pipeline.handlers.authenticate import ArchivedAuthentication, Authenticate
from ventanilla.pipeline.handlers.body import ExtractBody
from ventanilla.pipeline.handlers.customer import ResolveCustomer
from ventanilla.pipeline.handlers.date import BoundDate
from ventanilla.pipeline.handlers.deduplicate import Deduplicate
from ventanilla.pipeline.handlers.flood import FloodGuard
from ventanilla.pipeline.handlers.imported_history import ImportedHistory
from ventanilla.pipeline.handlers.imported_reply import (
    ImportedReply,
    ImportedReplyKept,
    ImportedSender,
)
from ventanilla.pipeline.handlers.language import DetectLanguage
from ventanilla.pipeline.handlers.participants import RecordParticipants
from ventanilla.pipeline.handlers.thread import ThreadToTicket
from ventanilla.pipeline.handlers.ticket import OpenOrUpdateImportedTicket, OpenOrUpdateTicket
from ventanilla.pipeline.handlers.triage import ImportedTriage, Triage
from ventanilla.pipeline.rules.auto_submitted import AutoSubmitted
from ventanilla.pipeline.rules.blocked import BlockedSenderRule
from ventanilla.pipeline.rules.bounce import BounceRule
from ventanilla.pipeline.rules.list_mail import ListMail
from ventanilla.pipeline.rules.loop import ArchiveLoop, Loop
from ventanilla.pipeline.rules.oversize import Oversize
from ventanilla.pipeline.rules.robot_sender import RobotSender

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Oversize(),
        Loop(),
        BlockedSenderRule(),
        BounceRule(),
        AutoSubmitted(),
        ListMail(),
        RobotSender(),
    )
}

HANDLERS: dict[str, Handler] = {
    handler.name: handler
    for handler in (
        Deduplicate(),
        BoundDate(),
        Authenticate(),
        ThreadToTicket(),
        ExtractBody(),
        AgentMail(),
        DetectLanguage(),
        ResolveCustomer(),
        OpenOrUpdateTicket(),
        Triage(),
        AppendArticle(),
        StoreAttachments(),
        RecordParticipants(),
        FloodGuard(),
        Acknowledge(),
        # The import pipeline's own steps.
        ArchivedAuthentication(),
        ImportedSender(),
        ImportedReply(),
        ImportedReplyKept(),
        OpenOrUpdateImportedTicket(),
        ImportedTriage(),
        ImportedHistory(),
    )
}

# (rule, action): every rule is checked, in this order, and every hit's action applies;
# QUARANTINE and DISCARD stop the message at once (Mailman's chain, without jumps).
# RAW_CHAIN runs on the bytes before parsing, so a huge message is never parsed at all.
RAW_CHAIN: tuple[tuple[str, Action], ...] = (("oversize", Action.QUARANTINE),)

INBOUND_CHAIN: tuple[tuple[str, Action], ...] = (
    ("loop", Action.DISCARD),
    ("blocked-sender", Action.DISCARD),
    ("bounce", Action.BOUNCE),
    ("auto-submitted", Action.AUTO_REPLY),
    ("list-mail", Action.NO_ACK),
    ("robot-sender", Action.NO_ACK),
)

INBOUND_PIPELINE: tuple[str, ...] = (
    "deduplicate",
    "date",  # before anything reads the Date: implausible ones become the received time
    "authenticate",  # before thread: a possible spoof never joins by subject number
    "thread",
    "body",
    "agent-mail",  # after body: it needs the new text without quotes
    "language",
    "customer",
    "ticket",
    "triage",  # new tickets: priority suggestion, SLA due dates, routing
    "article",
    "attachments",
    "participants",
    "flood",  # before acknowledge: past the ack limit, flag the sender
    "acknowledge",
)

# The import pipeline's chain: the live one, with the loop rule that keeps agents' replies.
IMPORT_RULES: dict[str, Rule] = {**RULES, "loop": ArchiveLoop()}
IMPORT_CHAIN: tuple[tuple[str, Action], ...] = INBOUND_CHAIN

IMPORT_PIPELINE: tuple[str, ...] = (
    "deduplicate",
    "date",
    "archived-authentication",  # signatures are not checked again years later
    "thread",
    "imported-sender",  # agents' mail marked, their automatic mail ignored, orphans wait
    "body",
    "language",
    "imported-reply",  # an agent's mail: outbound article (opening an outbound-first ticket)
    "imported-history",  # its ticket's dates and history status, as the mail is written
    "attachments",  # the agent's reply's files
    "imported-reply-kept",  # an agent's reply stops here; customers' mail goes on
    "customer",
    "imported-ticket",  # dated by the mail's own Date
    "imported-triage",  # suggestion only: no SLA clock, no routing
    "article",
    "imported-history",
    "attachments",
    "participants",
    "flood",
    "acknowledge",  # only with ``send_ack`` (``mail import --ack``)
)


@dataclass(frozen=True)
class Pipeline:
    """One named pipeline: its rules by name, its chain and its handler order."""

    name: str
    rules: Mapping[str, Rule]
    chain: tuple[tuple[str, Action], ...]
    handlers: tuple[str, ...]


def pipeline_for(source: str) -> Pipeline:
    """Return the pipeline of a message that came in by ``source`` (an `InboundSource`).

    Built on each call from the names above, so a test may replace one of them.
    """
    if source == InboundSource.IMPORT:
        return Pipeline("import", IMPORT_RULES, IMPORT_CHAIN, IMPORT_PIPELINE)
    return Pipeline("live", RULES, INBOUND_CHAIN, INBOUND_PIPELINE)
