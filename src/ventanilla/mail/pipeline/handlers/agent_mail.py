"""An agent answers by mail (issue 4, item 6): his reply to a notification reaches the customer.

Notification mails (``agents.notify``) and our replies carry our signed Message-ID of the
ticket, so an agent's answer from his own mail client threads by token. When the sender is
an active agent (``User.email``), this step turns the mail's new text (quotes and signature
already stripped by the ``body`` step, which is why it runs right after it) into:

- a reply to the customer (``tickets.replies.ticket_reply``), with the mail's attachments;
- an internal note when the first line starts with the marker ``#nota`` or ``#note``
  (the rest of that line and the lines below are the note).

Imported archives are left alone (their mail is history: nothing is sent again).
The message then stops here: it is never added as a customer article, never opens a ticket
and is never acknowledged; the inbound row is ``processed`` with the reason.

Guards, each recorded as the reason of an ``ignored`` message:

- automatic mail from an agent address (his out-of-office answering a notification);
- ``ctx.possible_spoof`` (the sender's domain failed authentication): a forged agent
  address must not be able to write to customers;
- threading by anything weaker than our signed token (a subject number or a foreign
  Message-ID could be guessed), or no ticket at all: agents' new mail to the support
  address does not open tickets; the agent is notified (in the app and by mail) instead;
- a ticket the agent may not see (``agents.permissions.can_view_ticket``), or a reply the
  service refuses (empty, bad address): the agent is notified with the reason.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ventanilla.agents.notify import agent_notify
from ventanilla.agents.permissions import can_view_ticket
from ventanilla.agents.selectors import agent_by_email
from ventanilla.mail.pipeline.context import Context, MailKind, Outcome
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.replies import ticket_note_add, ticket_reply

# The documented marker (README, "Answering by mail"): first line "#nota ..." or "#note ...".
NOTE_MARKER = re.compile(r"\A\s*#(?:nota|note)\b[ \t:]*", re.IGNORECASE)


def split_note_marker(text: str) -> tuple[bool, str]:
    """Return (is_note, text without the marker)."""
    match = NOTE_MARKER.match(text)
    if match is None:
        return False, text.strip()
    return True, text[match.end() :].strip()


def _files(ctx: Context) -> list[UploadedFile[bytes]]:
    """The mail's real attachments (inline images of the agent's signature stay behind)."""
    return [
        SimpleUploadedFile(item.filename or "attachment", item.content, item.content_type)
        for item in ctx.parsed.attachments
        if not item.inline
    ]


class AgentMail:
    """Turn an agent's mail answer into a reply to the customer or an internal note."""

    name = "agent-mail"
    description = "An agent's mail answer to a notification: reply to the customer, or #nota."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.inbound.source == "import":
            return  # history is recorded as it was, never sent again to customers
        sender = ctx.parsed.sender
        agent = agent_by_email(sender.email) if sender is not None else None
        if agent is None:
            return
        who = agent.get_username()
        if ctx.kind is not MailKind.MAIL:
            ctx.stop(Outcome.IGNORED, f"agent-mail: automatic mail from agent {who}")
            return
        if ctx.possible_spoof:
            ctx.stop(Outcome.IGNORED, f"agent-mail: possibly spoofed sender {who}, not acted on")
            return
        ticket = ctx.ticket
        if ticket is None or ctx.thread_reason != "token":
            self._refuse(ctx, agent, None, _("your mail does not answer a ticket notification"))
            return
        if not can_view_ticket(agent, ticket):
            self._refuse(ctx, agent, None, _("you cannot act on this ticket"))
            return
        self._act(ctx, agent, ticket)

    def _act(self, ctx: Context, agent: User, ticket: Ticket) -> None:
        is_note, text = split_note_marker(ctx.body.new_text)
        try:
            if is_note:
                article = ticket_note_add(ticket=ticket, author=agent, text=text)
            else:
                article = ticket_reply(
                    ticket=ticket, author=agent, text=text, attachments=_files(ctx)
                )
        except ValidationError as exc:
            self._refuse(ctx, agent, ticket, " ".join(exc.messages))
            return
        ctx.article = article
        ctx.suppress_ack(self.name)
        kind = "note" if is_note else "reply"
        ctx.stop(Outcome.PROCESSED, f"agent-mail: {kind} by {agent.get_username()}")

    def _refuse(self, ctx: Context, agent: User, ticket: Ticket | None, why: str | Promise) -> None:
        """Ignore the mail with a reason and tell the agent why nothing happened."""
        subject = ctx.parsed.subject
        agent_notify(
            users=[agent],
            ticket=ticket,
            kind="agent-mail-ignored",
            text=format_lazy(
                _("Your mail “{subject}” was not sent to anyone: {why}."),
                subject=subject,
                why=why,
            ),
        )
        ctx.ticket = ticket
        ctx.stop(Outcome.IGNORED, f"agent-mail: ignored mail from {agent.get_username()}: {why}")
