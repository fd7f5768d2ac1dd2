"""Append the message to the ticket's conversation."""

from __future__ import annotations

from ventanilla.parse.parsed import Address
from ventanilla.pipeline.context import Context
from ventanilla.tickets.models import ArticleDirection
from ventanilla.tickets.services import article_add


def _addresses(items: list[Address]) -> list[dict[str, str]]:
    return [{"name": a.name, "email": a.email} for a in items]


def _salvage(ctx: Context) -> dict[str, object]:
    """What parsing had to salvage, for the notice on the article (``Article.salvage``)."""
    mail = ctx.parsed
    notes: dict[str, object] = {}
    if mail.too_complex:
        notes |= {"too_complex": True, "hidden_parts": mail.hidden_parts}
    if mail.sender_repaired:
        notes["sender"] = mail.sender_source
    elif mail.sender is None and ctx.customer is not None:
        notes["sender"] = "envelope"  # the customer handler fell back to the envelope sender
    return notes


class AppendArticle:
    """Create the inbound article: headers, text, new text and sanitised HTML."""

    name = "article"
    description = "Append the message to its ticket as an inbound article."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        inbound_article_add(ctx)


def inbound_article_add(ctx: Context) -> None:
    """Append the message to ``ctx.ticket`` as an inbound article (none without a ticket)."""
    if ctx.ticket is None:
        return
    mail = ctx.parsed
    fallback = ctx.customer.email if ctx.customer is not None else ""
    ctx.article = article_add(
        ticket=ctx.ticket,
        direction=ArticleDirection.IN,
        kind=str(ctx.kind),
        inbound=ctx.inbound,
        fields={
            "sender_email": (mail.sender.email if mail.sender else fallback)[:320],
            "sender_name": (mail.sender.name if mail.sender else "")[:200],
            "to": _addresses(mail.to),
            "cc": _addresses(mail.cc),
            "subject": mail.subject[:998],
            "message_id": mail.message_id[:998],
            "in_reply_to": (mail.in_reply_to[0] if mail.in_reply_to else "")[:998],
            "text": ctx.body.text,
            "new_text": ctx.body.new_text,
            "html": ctx.body.html,
            "sent_at": mail.date,
            "salvage": _salvage(ctx),
        },
    )
