"""The ``language`` step: which language the customer wrote in ("es", "en" or "")."""

from __future__ import annotations

from ventanilla.parse.language import detect_language
from ventanilla.pipeline.context import Context, MailKind


class DetectLanguage:
    """Set ``ctx.language`` from the new text, else from the subject and the whole text.

    The new text is what the customer wrote; the quoted original may be ours (and in the
    mailbox's language). "" means unsure: later steps fall back to the customer's known
    language or the mailbox default. Bounces are skipped: a DSN is in its MTA's language.
    """

    name = "language"
    description = "Detect the language (es/en) of what the customer wrote."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.kind is MailKind.BOUNCE:
            ctx.language = ""
            return
        language = detect_language(ctx.body.new_text)
        if not language:
            language = detect_language(f"{ctx.parsed.subject}\n{ctx.body.text}")
        ctx.language = language
