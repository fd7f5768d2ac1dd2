"""The service notice a portal page shows: the one in force for the page's mailbox.

A page about one ticket shows its mailbox's notice; any other page (sign-in, "all my
requests", the knowledge base) the default mailbox's, the same whose contact is in the
footer (``context_processors.portal_footer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone, translation

from ventanilla.mail.models import Mailbox
from ventanilla.mail.selectors import mailbox_default, mailbox_notice_active


def page_mailbox(context: Mapping[str, Any]) -> Mailbox | None:
    """Return the mailbox a page is about: ``portal_mailbox``, the ticket's, else the default."""
    mailbox = context.get("portal_mailbox")
    if isinstance(mailbox, Mailbox):
        return mailbox
    mailbox = getattr(context.get("ticket"), "mailbox", None)
    if isinstance(mailbox, Mailbox):
        return mailbox
    return mailbox_default()


def portal_notice_text(context: Mapping[str, Any]) -> str:
    """Return the text of the notice in force for the page, in the page's language ("")."""
    mailbox = page_mailbox(context)
    if mailbox is None:
        return ""
    notice = mailbox_notice_active(mailbox=mailbox, at=timezone.now())
    if notice is None:
        return ""
    return notice.text_in(translation.get_language() or "")
