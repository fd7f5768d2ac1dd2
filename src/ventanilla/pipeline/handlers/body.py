"""The ``body`` step: the text we keep, the HTML we may show, and what is new in this mail."""

from __future__ import annotations

from ventanilla.parse.html import html_to_text, sanitise_html
from ventanilla.parse.quotes import split_reply
from ventanilla.pipeline.context import Context


class ExtractBody:
    """Fill ``ctx.body``: text, sanitised HTML and the customer's new text.

    ``text`` is the text/plain part as sent; only an HTML-only mail pays for an HTML to text
    conversion. ``html`` is always sanitised here, so nothing downstream ever sees (or
    stores) the raw HTML. ``new_text`` drops quoted originals and signatures.
    """

    name = "body"
    description = "Extract the text, the sanitised HTML and the new text without quotes."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        mail = ctx.parsed
        text = mail.text if mail.text.strip() else html_to_text(mail.html)
        ctx.body.text = text
        ctx.body.html = sanitise_html(mail.html)
        # The converted text stands in for a missing text part, so the HTML is converted
        # once; split_reply still goes back to the HTML when its structure marks a quote
        # that the text does not show.
        ctx.body.new_text = split_reply(text, mail.html)
