"""Who wrote an imported message: one of the archive's agents, or a customer.

An agent is: one of our mailbox addresses, an address or a domain named for the import
(``--agent-address``, ``--agent-domain``), or the e-mail of any agent login (former agents
included: their replies are history too). A message reprocessed outside an import (no
`ArchiveRun`) still knows our mailboxes and the agent logins.
"""

from __future__ import annotations

from ventanilla.agents.selectors import agent_login_emails
from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.pipeline.context import ArchiveRun, Context


def is_agent_address(address: str, archive: ArchiveRun | None = None) -> bool:
    """Return True when ``address`` belongs to an agent or to one of our mailboxes."""
    email = address.strip().lower()
    if not email or "@" not in email:
        return False
    if email in mailbox_addresses():
        return True
    if archive is None:
        return email in agent_login_emails()
    domain = email.rpartition("@")[2]
    return (
        email in archive.agent_addresses
        or domain in archive.agent_domains
        or email in archive.user_emails
    )


def is_archive_agent_mail(ctx: Context) -> bool:
    """Return True when the imported message was written by an agent (or the old mailbox)."""
    if ctx.mail is None or ctx.mail.sender is None:
        return False
    return is_agent_address(ctx.mail.sender.email, ctx.archive)
