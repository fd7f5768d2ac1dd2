"""The ``outbound-history`` step: agents' replies in an imported archive (issue 3, item 5).

Only for imports (``inbound.source == "import"``); a live mail from an agent is another
step's business. Placed right after ``thread``, before ``customer`` and ``ticket``, so an
agent is never created as a customer and never opens a ticket for himself:

- an agent's mail that threads (In-Reply-To/References, see ``thread``) becomes an
  outbound article of that ticket, with its own date, and processing stops there;
- one that refers to a message not imported yet (the archive holds the reply before the
  original) is deferred: the importer processes it again after the rest of the archive;
- one that starts a thread (outbound-first) opens a ticket whose customer is the first
  recipient who is not an agent;
- automatic mail from the old mailbox (its own acknowledgements) is ignored.

A customer's mail that refers to something unknown is deferred the same way, so a reply
that precedes, in the archive, the agent mail it answers still joins its ticket.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.imports.history import (
    DEFERRED_REASON,
    IMPORT_SOURCE,
    HistoryRun,
    history_current,
    is_agent_address,
    is_agent_history,
)
from ventanilla.parse.parsed import Address
from ventanilla.pipeline.context import Context, MailKind, Outcome
from ventanilla.pipeline.handlers.attachments import StoreAttachments
from ventanilla.pipeline.handlers.body import ExtractBody
from ventanilla.pipeline.handlers.language import DetectLanguage
from ventanilla.tickets.models import ArticleDirection, ArticleKind
from ventanilla.tickets.services import article_add, ticket_create_from_mail


def _refers(ctx: Context) -> bool:
    """True when the mail names a parent (In-Reply-To/References, or a bounce's original)."""
    mail = ctx.parsed
    return bool(
        mail.in_reply_to or mail.references or (ctx.bounce and ctx.bounce.original_message_ids)
    )


def history_date(ctx: Context) -> datetime:
    """The mail's own Date, or the import time when missing, naive or in the future."""
    date = ctx.parsed.date
    stored = ctx.inbound.received_at
    if date is not None and date.tzinfo is not None:
        return min(date, stored)
    return stored


def _defer(ctx: Context, run: HistoryRun) -> None:
    run.deferred.append(ctx.inbound.pk)
    run.note = "deferred"
    ctx.stop(Outcome.IGNORED, DEFERRED_REASON)


def _first_customer(ctx: Context, run: HistoryRun | None) -> Address | None:
    """The person an agent wrote to: the first To (then Cc) address that is not an agent."""
    mail = ctx.parsed
    for person in (*mail.to, *mail.cc):
        if not is_agent_address(person.email, run):
            return person
    return None


def _addresses(items: list[Address]) -> list[dict[str, str]]:
    return [{"name": a.name, "email": a.email} for a in items]


class OutboundHistory:
    """Turn an imported agent's mail into an outbound article; defer mail of unknown threads."""

    name = "outbound-history"
    description = "Imports: agents' replies become outbound articles; orphans wait a pass."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.inbound.source != IMPORT_SOURCE:
            return
        run = history_current()
        may_defer = run is not None and not run.final
        if is_agent_history(ctx):
            self._agent_mail(ctx, run, may_defer=may_defer)
        elif ctx.ticket is None and may_defer and run is not None and _refers(ctx):
            _defer(ctx, run)

    def _agent_mail(self, ctx: Context, run: HistoryRun | None, *, may_defer: bool) -> None:
        ctx.suppress_ack("agent-history")
        if ctx.kind is not MailKind.MAIL:
            ctx.stop(Outcome.IGNORED, "history: automatic mail from an agent address")
            return
        if ctx.ticket is None and may_defer and run is not None and _refers(ctx):
            _defer(ctx, run)
            return
        ExtractBody().process(ctx)
        DetectLanguage().process(ctx)
        if ctx.ticket is None and not self._open_outbound_first(ctx, run):
            return
        self._append(ctx)
        StoreAttachments().process(ctx)
        if run is not None:
            run.note = "agent-reply"
        ctx.stop(Outcome.PROCESSED, "history: agent reply")

    @staticmethod
    def _open_outbound_first(ctx: Context, run: HistoryRun | None) -> bool:
        """Open the ticket of a thread an agent started; its customer is the recipient."""
        person = _first_customer(ctx, run)
        if person is None:
            ctx.stop(Outcome.IGNORED, "history: agent mail with no customer among recipients")
            return False
        customer = customer_upsert_from_mail(
            email=person.email, name=person.name, language=ctx.language
        )
        ctx.customer = customer
        ctx.ticket = ticket_create_from_mail(
            mailbox=ctx.mailbox,
            customer=customer,
            subject=ctx.parsed.subject,
            received_at=history_date(ctx),
            language=ctx.language,
            inbound_id=ctx.inbound.pk,
        )
        ctx.created_ticket = True
        ctx.thread_reason = "outbound-first"
        return True

    @staticmethod
    def _append(ctx: Context) -> None:
        ticket = ctx.ticket
        if ticket is None:  # set by thread or by _open_outbound_first
            return
        mail = ctx.parsed
        sender = mail.sender
        email = sender.email if sender else ""
        author = get_user_model().objects.filter(email__iexact=email, agent__isnull=False).first()
        ctx.article = article_add(
            ticket=ticket,
            direction=ArticleDirection.OUT,
            kind=ArticleKind.MAIL,
            inbound=ctx.inbound,
            fields={
                "sender_email": email[:320],
                "sender_name": (sender.name if sender else "")[:200],
                "to": _addresses(mail.to),
                "cc": _addresses(mail.cc),
                "subject": mail.subject[:998],
                "message_id": mail.message_id[:998],
                "in_reply_to": (mail.in_reply_to[0] if mail.in_reply_to else "")[:998],
                "text": ctx.body.text,
                "new_text": ctx.body.new_text,
                "html": ctx.body.html,
                "sent_at": mail.date,
                "author": author,
            },
        )
