"""The ticket page behind a personal link: facts, conversation, attachments, an answer form.

Every failure of the link (wrong, tampered, expired, revoked, unknown, another customer's
ticket after a merge) gets the same 404 page, and all of them cost the same lookup
(``tickets.portal_links.ticket_for_portal_token``).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.portal.context_processors import mailbox_contact
from ventanilla.portal.display import priority_words, shown_article, status_words
from ventanilla.portal.forms import ReplyForm
from ventanilla.portal.services import portal_reply_send
from ventanilla.portal.views.common import link_unavailable, use_customer_language
from ventanilla.tickets.blobs import blob_get
from ventanilla.tickets.lifecycle import ticket_reopen_window_open
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.portal_links import ticket_for_portal_token, ticket_portal_articles

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the ticket; on POST, send the customer's answer through the mail door."""
    ticket = ticket_for_portal_token(token)
    if ticket is None:
        return link_unavailable(request)
    use_customer_language(request, ticket.customer, ticket.language)
    status = 200
    if request.method == "POST":
        files = request.FILES.getlist("files")
        form = ReplyForm(request.POST, has_files=bool(files))
        if form.is_valid():
            text = form.cleaned_data["text"] or _("This is still not solved.")
            try:
                portal_reply_send(ticket=ticket, text=text, files=files)
            except ValidationError as error:
                form.add_error(None, error)
            except DatabaseError:
                logger.exception("portal reply to %s could not be stored", ticket.number)
                form.add_error(
                    None, _("Your answer could not be sent just now. Please try again in a moment.")
                )
                status = 503
            else:
                # Post/Redirect/Get: a reload must not send the answer twice.
                return HttpResponseRedirect(f"{request.path}?sent=1")
        if status == 200:
            status = 400
    else:
        form = ReplyForm()
    return render(request, "portal/ticket.html", _context(request, ticket, form), status=status)


def _context(request: HttpRequest, ticket: Ticket, form: ReplyForm) -> dict[str, object]:
    words, css = status_words(ticket.status)
    solved = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    return {
        "ticket": ticket,
        "status_words": words,
        "status_class": css,
        "priority_words": priority_words(ticket.priority),
        "articles": [
            shown_article(a, ticket=ticket) for a in ticket_portal_articles(ticket=ticket)
        ],
        "form": form,
        "solved": solved,
        "reopens": ticket_reopen_window_open(ticket=ticket, now=timezone.now()),
        "sent": request.GET.get("sent") == "1",
        "portal_contact": mailbox_contact(ticket.mailbox),
    }


@require_GET
def attachment_download(request: HttpRequest, token: str, attachment_id: int) -> HttpResponse:
    """Serve an attachment of a message the customer may read, as the workspace does.

    Always a download (``application/octet-stream``, ``attachment``), never sniffed, and
    sandboxed should a browser render it anyway.
    """
    ticket = ticket_for_portal_token(token)
    if ticket is None:
        return link_unavailable(request)
    attachment = next(
        (
            item
            for article in ticket_portal_articles(ticket=ticket)
            for item in article.attachments.all()
            if item.pk == attachment_id
        ),
        None,
    )
    if attachment is None:
        return link_unavailable(request)
    response = HttpResponse(blob_get(attachment.sha256), content_type="application/octet-stream")
    # RFC 6266: filename* carries non-ASCII names; Django builds both forms.
    response.headers["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=attachment.filename or "attachment")
        or "attachment"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
