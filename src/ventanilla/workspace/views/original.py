"""The original message of an inbound article, as received, for agents who see the ticket.

A message too complex to show in full (or whose sender had to be salvaged) points here:
the bytes stored in ``InboundMessage.raw`` before anything was acknowledged are the
source of truth. Served like an attachment: a download, never rendered (no sniffing, a
sandboxed empty policy), behind the same ticket visibility check.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from ventanilla.workspace.selectors import ticket_article, ticket_for_user
from ventanilla.workspace.views.common import agent_required


@agent_required
def article_original(request: HttpRequest, number: str, article_id: int) -> HttpResponse:
    """Serve the raw message behind ``article_id`` of ticket ``number`` as an .eml download."""
    ticket = ticket_for_user(user=request.user, number=number)
    article = ticket_article(ticket=ticket, article_id=article_id, with_inbound=True)
    if article.inbound is None:
        raise Http404(article_id)  # an agent's reply or a note: there is no received message
    # message/rfc822 would let a browser render the mail (and its HTML) in our origin.
    response = HttpResponse(bytes(article.inbound.raw), content_type="application/octet-stream")
    filename = f"{ticket.number}-{article.pk}.eml"
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
