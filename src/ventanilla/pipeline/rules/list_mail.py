"""Rule ``list-mail``: mail distributed by a mailing list (RFC 2369/2919 headers)."""

from __future__ import annotations

from ventanilla.pipeline.context import Context

# RFC 2919 List-Id, RFC 2369 List-* fields, and the older ezmlm/Yahoo markers.
_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "Mailing-List", "X-Mailing-List")


class ListMail:
    """Match list mail: it still becomes a ticket, but the list is never acknowledged.

    Acknowledging a list would mail every subscriber (and may loop with its archive bot).
    """

    name = "list-mail"
    description = "Sent through a mailing list (List-Id, List-Unsubscribe, Precedence: list)."

    def check(self, ctx: Context) -> bool:
        """See `Rule`."""
        mail = ctx.parsed
        for name in _LIST_HEADERS:
            value = mail.header(name).strip()
            if value:
                ctx.reasons.append(f"{name}: {value[:80]}")
                return True
        if mail.header("Precedence").strip().lower() == "list":
            ctx.reasons.append("Precedence: list")
            return True
        return False
