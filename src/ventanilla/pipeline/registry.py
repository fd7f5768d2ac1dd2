"""The pipeline as data: the rule chain and the handler order, by name.

To add a step: write the class in ``rules/<noun>.py`` or ``handlers/<noun>.py`` (with
``name`` and ``description``), add it to ``RULES`` or ``HANDLERS`` below, put its name in
``RAW_CHAIN``, ``INBOUND_CHAIN`` or ``INBOUND_PIPELINE`` where it belongs, and add
``mail/tests/pipeline/test_<noun>.py``. Nothing is discovered by scanning modules.
"""

from __future__ import annotations

from ventanilla.pipeline.base import Action, Handler, Rule
from ventanilla.pipeline.handlers.acknowledge import Acknowledge
from ventanilla.pipeline.handlers.agent_mail import AgentMail
from ventanilla.pipeline.handlers.article import AppendArticle
from ventanilla.pipeline.handlers.attachments import StoreAttachments
from ventanilla.pipeline.handlers.authenticate import Authenticate
from ventanilla.pipeline.handlers.body import ExtractBody
from ventanilla.pipeline.handlers.customer import ResolveCustomer
from ventanilla.pipeline.handlers.date import BoundDate
from ventanilla.pipeline.handlers.deduplicate import Deduplicate
from ventanilla.pipeline.handlers.flood import FloodGuard
from ventanilla.pipeline.handlers.history import OutboundHistory
from ventanilla.pipeline.handlers.language import DetectLanguage
from ventanilla.pipeline.handlers.participants import RecordParticipants
from ventanilla.pipeline.handlers.thread import ThreadToTicket
from ventanilla.pipeline.handlers.ticket import OpenOrUpdateTicket
from ventanilla.pipeline.handlers.triage import Triage
from ventanilla.pipeline.rules.auto_submitted import AutoSubmitted
from ventanilla.pipeline.rules.blocked import BlockedSenderRule
from ventanilla.pipeline.rules.bounce import BounceRule
from ventanilla.pipeline.rules.list_mail import ListMail
from ventanilla.pipeline.rules.loop import Loop
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
        OutboundHistory(),
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
    "outbound-history",  # imports only: agents' replies, orphans deferred (issue 3)
    "body",
    "agent-mail",  # after body: it needs the new text without quotes
    "language",
    "customer",
    "ticket",
    "triage",  # new tickets: priority suggestion, SLA due dates, routing (issue 4)
    "article",
    "attachments",
    "participants",
    "flood",  # before acknowledge: past the ack limit, flag the sender (issue 3)
    "acknowledge",
)
