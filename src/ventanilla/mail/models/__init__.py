"""Mailboxes, IMAP accounts, the raw inbound store, the outbox, templates and blocked senders.

The models live in modules named by what they hold; every public name is re-exported here so
that ``from ventanilla.mail.models import X`` keeps working.
"""

from ventanilla.mail.models.imap import (
    IMAP_PASSWORD_PURPOSE,
    ImapAccount,
    ImapAfter,
    ImapAuth,
    ImapSecurity,
)
from ventanilla.mail.models.inbound import (
    BlockedSender,
    InboundMessage,
    InboundSource,
    InboundState,
)
from ventanilla.mail.models.mailbox import (
    LANGUAGE_CHOICES,
    AgentMailCheck,
    Mailbox,
    MailTemplate,
    MailTemplateKind,
)
from ventanilla.mail.models.notice import MailboxNotice
from ventanilla.mail.models.outbound import OutboundKind, OutboundMessage, OutboundState

__all__ = [
    "IMAP_PASSWORD_PURPOSE",
    "LANGUAGE_CHOICES",
    "AgentMailCheck",
    "BlockedSender",
    "ImapAccount",
    "ImapAfter",
    "ImapAuth",
    "ImapSecurity",
    "InboundMessage",
    "InboundSource",
    "InboundState",
    "MailTemplate",
    "MailTemplateKind",
    "Mailbox",
    "MailboxNotice",
    "OutboundKind",
    "OutboundMessage",
    "OutboundState",
]
