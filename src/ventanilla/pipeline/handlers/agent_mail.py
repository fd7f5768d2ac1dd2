"""An agent answers by mail: his reply to a notification reaches the customer.

When the sender is an active agent (``User.email``), this step turns the mail's new text
(quotes and signature already stripped by the ``body`` step, which is why it runs right after
it) into:

- a reply to the customer (``tickets.replies.ticket_reply``), with the mail's attachments;
- an internal note when the first line starts with the marker ``#nota`` or ``#note``
  (the rest of that line and the lines below are the note).

It then stops: never a customer article, never a new ticket, never an acknowledgement.

A From header proves nothing, so the mail must prove two things first:

1. *What it answers*: In-Reply-To/References hold the Message-ID of a notification that was
   sent to **this** agent about the ticket the mail threads to (``agents.notify`` binds it to
   its recipient: ``core/signing.make_recipient_message_id``). Our other Message-IDs (the
   customer's acknowledgement, our replies) thread to the ticket but prove nothing about the
   writer: the customer holds them.
2. *Who sent it*: the From domain authenticated the mail (``ctx.authentication``, set by the
   ``authenticate`` step: a DKIM signature aligned with it, RFC 6376 and RFC 7489 §3.1, or a
   pass in the Authentication-Results of a server the site or the mailbox trusts, RFC 8601).
   A mailbox whose agents' domain signs nothing may relax this with ``agent_mail_check =
   token-only``: then the token alone suffices, but a domain that *failed* never does.

A mail from an agent's address that proves less, or about a ticket he may not see, is not
acted on, and the agent is told why (in the app and by mail). If it threads to a ticket it is
kept there as received mail, like a customer's, but nothing else happens on its behalf: no
customer is made of the agent's address, the status does not move, nobody becomes a
participant, no SLA clock is touched and nothing is acknowledged (the step appends the
article and its attachments itself and stops). Mail threading to no ticket is ignored:
agents' new mail to the support address does not open tickets. Automatic mail from an agent
(his out-of-office) is ignored silently, and imported archives are left alone (history is
never sent again).
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
from ventanilla.core.signing import ticket_number_for_recipient
from ventanilla.mail.models import AgentMailCheck
from ventanilla.pipeline.context import Context, MailKind, Outcome
from ventanilla.pipeline.handlers.article import inbound_article_add
from ventanilla.pipeline.handlers.attachments import article_attachments_store
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.replies import ticket_note_add, ticket_reply
from ventanilla.tickets.selectors import ticket_follow_merges, ticket_get_by_number

# The documented marker (README, "Answering by mail"): first line "#nota ..." or "#note ...".
NOTE_MARKER = re.compile(r"\A\s*#(?:nota|note)\b[ \t:]*", re.IGNORECASE)
# Message-IDs looked at for the agent's token: a hostile References header may hold thousands.
MAX_REFERRED_IDS = 50


def split_note_marker(text: str) -> tuple[bool, str]:
    """Return (is_note, text without the marker)."""
    match = NOTE_MARKER.match(text)
    if match is None:
        return False, text.strip()
    return True, text[match.end() :].strip()


def answers_mail_sent_to(ctx: Context, agent: User, ticket: Ticket) -> bool:
    """True when the mail quotes our id of a mail sent to ``agent`` about ``ticket``.

    A token of a ticket since merged counts for the ticket it was merged into, where the
    ``thread`` step put the mail.
    """
    mail = ctx.parsed
    referred = [*mail.in_reply_to, *reversed(mail.references)]
    for message_id in list(dict.fromkeys(referred))[:MAX_REFERRED_IDS]:
        number = ticket_number_for_recipient(message_id, agent.email)
        bound = ticket_get_by_number(number=number) if number else None
        if bound is not None and ticket_follow_merges(bound).pk == ticket.pk:
            return True
    return False


def unproven(ctx: Context, agent: User, ticket: Ticket) -> Promise | None:
    """Why the mail does not prove it is ``agent``'s answer about ``ticket`` (None if it does)."""
    if not answers_mail_sent_to(ctx, agent, ticket):
        return _("it does not answer a notification that was sent to you")
    verdict = ctx.authentication.get("verdict", "none")
    if ctx.possible_spoof or verdict == "fail":
        return _("your domain's authentication check (DKIM, SPF or DMARC) failed on it")
    if verdict != "pass" and ctx.mailbox.agent_mail_check != AgentMailCheck.TOKEN_ONLY:
        return _(
            "your mail server did not authenticate it (no DKIM signature of your domain, "
            "and no trusted server vouched for it)"
        )
    return None


def _files(ctx: Context) -> list[UploadedFile[bytes]]:
    """The mail's real attachments (inline images of the agent's signature stay behind)."""
    return [
        SimpleUploadedFile(item.filename or "attachment", item.content, item.content_type)
        for item in ctx.parsed.attachments
        if not item.inline
    ]


class AgentMail:
    """Turn an agent's proven mail answer into a reply to the customer or an internal note."""

    name = "agent-mail"
    description = "An agent's mail answer to a notification: reply to the customer, or #nota."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        sender = ctx.parsed.sender
        agent = agent_by_email(sender.email) if sender is not None else None
        if agent is None:
            return
        if ctx.kind is not MailKind.MAIL:
            ctx.stop(
                Outcome.IGNORED, f"agent-mail: automatic mail from agent {agent.get_username()}"
            )
            return
        ticket = ctx.ticket
        if ticket is None:
            self._refuse(ctx, agent, None, _("your mail does not answer a ticket notification"))
            return
        why = unproven(ctx, agent, ticket)
        if why is None and not can_view_ticket(agent, ticket):
            why = _("you cannot act on this ticket")
        if why is not None:
            self._keep_as_received_mail(ctx, agent, ticket, why)
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
        _tell(ctx, agent, ticket, why, kept=False)
        ctx.ticket = ticket
        ctx.stop(Outcome.IGNORED, f"agent-mail: ignored mail from {agent.get_username()}: {why}")

    def _keep_as_received_mail(
        self, ctx: Context, agent: User, ticket: Ticket, why: Promise
    ) -> None:
        """Record the mail on ``ticket`` as received mail, act on nothing, tell the agent."""
        visible = ticket if can_view_ticket(agent, ticket) else None
        _tell(ctx, agent, visible, why, kept=True)
        # The customer path without the steps that act for the sender (customer, ticket
        # status, participants, acknowledgement): the From may be forged.
        inbound_article_add(ctx)
        article_attachments_store(ctx)
        ctx.suppress_ack(self.name)
        ctx.stop(
            Outcome.PROCESSED,
            f"agent-mail: kept as received mail, not acted on for {agent.get_username()}: {why}",
        )


def _tell(
    ctx: Context, agent: User, ticket: Ticket | None, why: str | Promise, *, kept: bool
) -> None:
    """Notify ``agent`` (linking ``ticket`` only if given) why his mail did nothing."""
    if kept:
        text = format_lazy(
            _(
                "A mail from your address, “{subject}”, was not sent to anyone, only kept "
                "in the ticket as received mail: {why}."
            ),
            subject=ctx.parsed.subject,
            why=why,
        )
    else:
        text = format_lazy(
            _("Your mail “{subject}” was not sent to anyone: {why}."),
            subject=ctx.parsed.subject,
            why=why,
        )
    agent_notify(users=[agent], ticket=ticket, kind="agent-mail-ignored", text=text)
