"""Import pipeline steps: agents' replies in an imported archive, and orphans that wait.

Three steps of the import pipeline (``registry.IMPORT_PIPELINE``), around the shared ones:

- ``imported-sender``, right after ``thread``: tells an agent's mail from a customer's.
  An agent's automatic mail (the old tool's own acknowledgements) is ignored; a mail that
  refers to a message not imported yet (the archive holds the reply before the original)
  is deferred: the importer processes it again after the rest of the archive. A
  customer's mail that refers to something unknown is deferred the same way, so a reply
  that precedes, in the archive, the agent mail it answers still joins its ticket.
- ``imported-reply``, after ``body`` and ``language``: an agent's mail becomes an outbound
  article of its ticket, with its own date; one that starts a thread (outbound-first)
  opens a ticket whose customer is the first recipient who is not an agent.
- ``imported-reply-kept``, after ``attachments``: processing of an agent's mail stops
  there, so an agent is never a customer and never opens a ticket for himself.
"""

from __future__ import annotations

from ventanilla.agents.selectors import agent_login_by_email
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.parse.parsed import Address
from ventanilla.pipeline.archive_senders import is_agent_address, is_archive_agent_mail
from ventanilla.pipeline.context import Context, MailKind, Outcome
from ventanilla.pipeline.handlers.ticket import mail_date
from ventanilla.tickets.models import ArticleDirection, ArticleKind
from ventanilla.tickets.services import article_add, ticket_create_from_mail

# Stored as the ``reasons`` of a message whose thread is not known yet (its parent may come
# later in the archive); the importer processes it again once the rest of the archive is in.
DEFERRED_REASON = "history: deferred until the rest of the archive is imported"
AGENT_REPLY = "agent-reply"
DEFERRED = "deferred"


def _refers(ctx: Context) -> bool:
    """True when the mail names a parent (In-Reply-To/References, or a bounce's original)."""
    mail = ctx.parsed
    return bool(
        mail.in_reply_to or mail.references or (ctx.bounce and ctx.bounce.original_message_ids)
    )


def _may_wait(ctx: Context) -> bool:
    """True for an orphan of a pass in which orphans may wait for the rest of the archive."""
    return ctx.ticket is None and ctx.archive is not None and ctx.archive.may_defer and _refers(ctx)


def _defer(ctx: Context) -> None:
    ctx.imported_as = DEFERRED
    ctx.stop(Outcome.IGNORED, DEFERRED_REASON)


def _first_customer(ctx: Context) -> Address | None:
    """The person an agent wrote to: the first To (then Cc) address that is not an agent."""
    mail = ctx.parsed
    for person in (*mail.to, *mail.cc):
        if not is_agent_address(person.email, ctx.archive):
            return person
    return None


def _addresses(items: list[Address]) -> list[dict[str, str]]:
    return [{"name": a.name, "email": a.email} for a in items]


class ImportedSender:
    """Tell an imported agent's mail from a customer's; defer mail of unknown threads."""

    name = "imported-sender"
    description = "Imports: mark agents' mail (never acknowledged); orphans wait a pass."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if not is_archive_agent_mail(ctx):
            if _may_wait(ctx):
                _defer(ctx)
            return
        ctx.imported_agent = True
        ctx.suppress_ack("agent-history")
        if ctx.kind is not MailKind.MAIL:
            ctx.stop(Outcome.IGNORED, "history: automatic mail from an agent address")
        elif _may_wait(ctx):
            _defer(ctx)


class ImportedReply:
    """Turn an imported agent's mail into an outbound article (opening its ticket if first)."""

    name = "imported-reply"
    description = "Imports: an agent's mail becomes an outbound article of its ticket."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if not ctx.imported_agent:
            return
        if ctx.ticket is None and not self._open_outbound_first(ctx):
            return
        self._append(ctx)

    @staticmethod
    def _open_outbound_first(ctx: Context) -> bool:
        """Open the ticket of a thread an agent started; its customer is the recipient."""
        person = _first_customer(ctx)
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
            received_at=mail_date(ctx),
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
                "author": agent_login_by_email(email),
            },
        )


class ImportedReplyKept:
    """End the processing of an imported agent's reply once it and its files are stored."""

    name = "imported-reply-kept"
    description = "Imports: an agent's reply is complete; the customer steps do not run."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.imported_agent:
            ctx.imported_as = AGENT_REPLY
            ctx.stop(Outcome.PROCESSED, "history: agent reply")
