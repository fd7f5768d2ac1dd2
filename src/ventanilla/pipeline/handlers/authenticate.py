"""Sender trust: mark mail whose From domain fails authentication as a possible spoof.

Runs before ``thread``: a possibly forged message never joins a ticket by the number in its
subject (osTicket's check), never gets an acknowledgement (we would mail a stranger's inbox
on a forger's behalf), and a new ticket is flagged ``possible_spoof`` for the agent.
The logic lives in ``ventanilla.parse.auth``; this step only reads settings and records.
Authentication-Results are believed from the servers in ``VENTANILLA_TRUSTED_AUTHSERV_IDS``
and in the mailbox's own ``trusted_authserv_ids`` (a mailbox fetched by IMAP from a provider
trusts that provider's MX, not every mailbox's).
"""

from __future__ import annotations

from django.conf import settings

from ventanilla.mail.models import InboundSource
from ventanilla.parse import auth
from ventanilla.pipeline.context import Context


def trusted_authserv_ids(ctx: Context) -> list[str]:
    """The authserv-ids believed for this message: the site's and its mailbox's own."""
    own = [i.strip() for i in ctx.mailbox.trusted_authserv_ids.split(",") if i.strip()]
    return [*settings.VENTANILLA_TRUSTED_AUTHSERV_IDS, *own]


class Authenticate:
    """Judge the sender by trusted Authentication-Results or our own DKIM check."""

    name = "authenticate"
    description = "Check trusted Authentication-Results or DKIM; flag possible spoofs."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        mail = ctx.parsed
        from_domain = mail.sender.email.rsplit("@", 1)[-1].lower() if mail.sender else ""
        if ctx.inbound.source == InboundSource.PORTAL:
            # Written by us on the customer's behalf, behind his signed link or his portal
            # session: it carries no DKIM signature, and none is needed.
            ctx.authentication = {
                "verdict": "pass",
                "method": "portal",
                "from_domain": from_domain,
                "details": ["written in the customer portal"],
            }
            return
        verdict = auth.authenticate(
            ctx.raw,
            from_domain=from_domain,
            results_headers=mail.message.get_all("Authentication-Results") or [],
            trusted_ids=trusted_authserv_ids(ctx),
            dkim_verify=settings.VENTANILLA_DKIM_VERIFY,
        )
        ctx.authentication = verdict.as_json()
        if verdict.spoofed:
            ctx.possible_spoof = True
            ctx.suppress_ack("possible-spoof")
            ctx.reasons.append(f"authenticate: {from_domain} failed ({'; '.join(verdict.details)})")


class ArchivedAuthentication:
    """The import pipeline's ``authenticate``: archived mail is recorded as not checked.

    Its signatures were checked (or not) when it arrived years ago; keys have rotated
    since, so a check now would flag honest mail.
    """

    name = "archived-authentication"
    description = "Imports: record that an archived message's sender was not checked."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ctx.authentication = {"verdict": "none", "method": "", "details": ["history import"]}
