"""Template variables every portal page needs: where to write when the page is no help."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ventanilla.mail.models import Mailbox
from ventanilla.mail.selectors import mailbox_default


def mailbox_contact(mailbox: Mailbox | None) -> str:
    """The address a customer should write to about ``mailbox``: its fallback, else itself."""
    if mailbox is None:
        return ""
    return mailbox.fallback_contact or mailbox.address


def portal_footer(request: HttpRequest) -> dict[str, object]:
    """``portal_contact``: the default mailbox's contact, read only if a template shows it.

    A page about one ticket passes its own mailbox's contact, which takes precedence
    (a view's context overrides a context processor's).
    """
    return {"portal_contact": SimpleLazyObject(lambda: mailbox_contact(mailbox_default()))}
