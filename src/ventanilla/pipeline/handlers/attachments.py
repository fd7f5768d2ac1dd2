"""Store the message's attachments and inline images on its article."""

from __future__ import annotations

from ventanilla.pipeline.context import Context
from ventanilla.tickets.services import attachment_add


class StoreAttachments:
    """Keep every attachment with name, type, size, sha256 and Content-ID.

    Inline images keep their Content-ID so the sanitised HTML's ``cid:`` references can be
    served from the attachment.
    """

    name = "attachments"
    description = "Store attachments and inline images on the article."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        article_attachments_store(ctx)


def article_attachments_store(ctx: Context) -> None:
    """Store the message's attachments on ``ctx.article`` (nothing without an article)."""
    if ctx.article is None:
        return
    for part in ctx.parsed.attachments:
        attachment_add(
            article=ctx.article,
            filename=part.filename or _default_name(part.content_type),
            content_type=part.content_type,
            content=part.content,
            content_id=part.content_id,
            inline=part.inline,
        )


def _default_name(content_type: str) -> str:
    subtype = content_type.rsplit("/", 1)[-1] or "bin"
    return f"attachment.{subtype}"
