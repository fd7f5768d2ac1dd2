"""Rule ``bounce``: delivery failure reports about mail we sent (RFC 3464 and prose NDRs)."""

from __future__ import annotations

from ventanilla.parse.dsn import DsnReport, classify
from ventanilla.pipeline.context import Bounce, Context


def report_for(ctx: Context) -> DsnReport | None:
    """Return ``dsn.classify`` of the context's message, computed once per message.

    The bounce and auto-submitted rules both ask; the answer is kept on the context
    (``ctx.dsn_report``), so it lives exactly as long as the message being processed.
    """
    if ctx.dsn_report is None:
        ctx.dsn_report = classify(ctx.parsed.message) or False
    return ctx.dsn_report or None


class BounceRule:
    """Match delivery failures and delays, and record what failed in ``ctx.bounce``.

    Success DSNs, read receipts and abuse reports are reports too, but about no failed
    recipient: the ``auto-submitted`` rule treats them as automatic mail instead.
    """

    name = "bounce"
    description = "A delivery failure or delay report (DSN or a mailer's prose notice)."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        report = report_for(ctx)
        if report is None or not report.is_failure:
            return False
        ctx.bounce = Bounce(
            recipients=list(report.recipients),
            permanent=report.permanent,
            status=report.status,
            diagnostic=report.diagnostic,
            original_message_ids=list(report.original_message_ids),
        )
        kind = "permanent" if report.permanent else "temporary"
        who = ", ".join(report.recipients) or "unknown recipient"
        status = f" {report.status}" if report.status else ""
        ctx.reasons.append(f"Bounce ({report.report_type}, {kind}{status}): {who}")
        return True
