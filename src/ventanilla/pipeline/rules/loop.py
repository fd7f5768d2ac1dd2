"""Rule ``loop``: our own mail coming back to us (a forwarding loop or a reflection)."""

from __future__ import annotations

import email.utils

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.mail.models import OutboundMessage
from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.pipeline.archive_senders import is_archive_agent_mail
from ventanilla.pipeline.context import Context


def _in_outbox(message_id: str, ours: set[str]) -> bool:
    """Return True when ``message_id`` is one we sent (we only mint ids on our domains)."""
    domain = message_id.rpartition("@")[2].lower()
    if not domain or not any(address.endswith("@" + domain) for address in ours):
        return False
    return OutboundMessage.objects.filter(message_id=message_id).exists()


class Loop:
    """Match mail that we sent ourselves, so it is never answered or ticketed again.

    Three signs, cheapest first: the message's own Message-ID is one of ours (signed, or in
    the outbox); an ``X-Loop`` header names one of our mailboxes (our outgoing mail carries
    ``X-Loop: <mailbox address>``, the procmail/RT convention); or the From address is one
    of our mailboxes. Mailbox addresses are read once per message.
    """

    name = "loop"
    description = "The message is our own mail coming back (Message-ID, X-Loop or From)."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        mail = ctx.parsed
        if mail.message_id and ticket_number_from_message_id(mail.message_id) is not None:
            ctx.reasons.append(f"loop: our own signed Message-ID <{mail.message_id}>")
            return True
        return self._echo(ctx, mailbox_addresses())

    @staticmethod
    def _echo(ctx: Context, ours: set[str]) -> bool:
        """The signs after the signed Message-ID: X-Loop, our From, our outbox."""
        mail = ctx.parsed
        for value in mail.headers("X-Loop"):
            named = {a.lower() for _, a in email.utils.getaddresses([value]) if a}
            if named & ours:
                ctx.reasons.append(f"loop: X-Loop: {value.strip()}")
                return True
        if mail.sender is not None and mail.sender.email in ours:
            ctx.reasons.append(f"loop: sent from our own address {mail.sender.email}")
            return True
        if _in_outbox(mail.message_id, ours):
            ctx.reasons.append(f"loop: Message-ID <{mail.message_id}> is in our outbox")
            return True
        return False


class ArchiveLoop(Loop):
    """The ``loop`` rule of the import pipeline: an agent's archived reply is no loop.

    An imported archive of our old mailbox holds its replies, sent from our address and
    maybe with its X-Loop: history to keep. Only a message we really sent (in our outbox)
    is still a loop; the archive's customers' mail is judged like live mail.
    """

    description = "Like loop, but an imported agent's reply is history, not a loop."

    @staticmethod
    def _echo(ctx: Context, ours: set[str]) -> bool:
        if is_archive_agent_mail(ctx):
            return _in_outbox(ctx.parsed.message_id, ours)
        return Loop._echo(ctx, ours)
