"""The mail that carries a customer's sign-in link to the portal ("all my requests").

The customer asked for it on the portal's page, so it answers a person, not a message: it
belongs to no ticket and has no thread (a plain Message-ID, nothing to answer). It is still
automatic mail (``Auto-Submitted``, RFC 3834 §5): no human wrote it at that moment, and
vacation responders must stay quiet. Whether it may go to the address at all is
``policy.portal_signin_refusals``'s decision; the link itself is made by the portal, which
keeps only its hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from ventanilla.core.signing import make_plain_message_id
from ventanilla.mail.models import Mailbox, OutboundKind
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.draft import Draft
from ventanilla.outbound.render import render_builtin


@dataclass(frozen=True)
class SigninLink:
    """What the mail says: to whom, in which language, the link and how long it lasts."""

    email: str
    name: str
    language: str
    url: str
    minutes: int


def portal_signin_mailbox() -> Mailbox | None:
    """The mailbox to send from: the support address, else the first active mailbox."""
    support = str(getattr(settings, "VENTANILLA_SUPPORT_ADDRESS", ""))
    mailboxes = Mailbox.objects.filter(active=True)
    return mailboxes.filter(address=support).first() or mailboxes.order_by("pk").first()


def portal_signin_draft(*, link: SigninLink, mailbox: Mailbox) -> Draft:
    """Return the sign-in mail for ``link``, sent from ``mailbox``."""
    context = {
        "customer_name": one_line(link.name, 200),
        "url": link.url,
        "minutes": link.minutes,
        "mailbox": {"name": mailbox.sender_name or mailbox.name},
    }
    subject = render_builtin("mail/portal_signin_subject.txt", link.language, context)
    body = render_builtin("mail/portal_signin_body.txt", link.language, context)
    return Draft(
        mailbox=mailbox,
        kind=OutboundKind.PORTAL_SIGNIN,
        message_id=make_plain_message_id(domain=mailbox.domain),
        to=(link.email,),
        subject=one_line(subject, 998),
        text=body.strip() + "\n",
        automatic=True,
        language=link.language,
    )
