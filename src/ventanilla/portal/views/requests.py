"""A signed-in customer's requests: the list with filters, and a new request.

A new request is written as a mail and enters through ``intake.ingest.ingest_raw``
(``portal/new_request.py``), so it is stored, triaged and acknowledged like any mail.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.portal.my_requests import (
    SCOPE_MINE,
    SCOPE_ORGANISATION,
    STATUS_GROUPS,
    RequestFilters,
    customer_sees_organisation,
    portal_ticket_list,
)
from ventanilla.portal.new_request import (
    BODY_MAX,
    SUBJECT_MAX,
    NoMailboxError,
    portal_request_submit,
)
from ventanilla.portal.views.customer import customer_required, portal_session
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.portal_links import ticket_portal_token

PAGE_SIZE = 25


class NewRequestForm(forms.Form):
    """A new request: a subject and what happened."""

    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Your message"), max_length=BODY_MAX, widget=forms.Textarea)


def _filters(request: HttpRequest) -> RequestFilters:
    """The list's filters from the query string; unknown values mean "no filter"."""
    scope = request.GET.get("scope", SCOPE_MINE)
    status = request.GET.get("status", "")
    return RequestFilters(
        scope=scope if scope in (SCOPE_MINE, SCOPE_ORGANISATION) else SCOPE_MINE,
        status=status if status in STATUS_GROUPS else "",
        query=request.GET.get("q", "")[:200],
    )


def _row(ticket: Ticket, customer_id: int) -> dict[str, object]:
    """One line of the list; only the customer's own tickets link to their page."""
    own = ticket.customer_id == customer_id
    return {
        "ticket": ticket,
        "own": own,
        "token": ticket_portal_token(ticket) if own else "",
    }


@require_GET
@customer_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """All the customer's requests (and his organisation's, where it allows that)."""
    session = portal_session(request)
    assert session is not None  # customer_required
    customer = session.customer
    filters = _filters(request)
    page = Paginator(portal_ticket_list(customer=customer, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "requests",
        "submitted": request.GET.get("submitted") == "1",
        "customer": customer,
        "filters": filters,
        "shares": customer_sees_organisation(customer=customer),
        "page": page,
        "rows": [_row(ticket, customer.pk) for ticket in page.object_list],
    }
    return render(request, "portal/requests.html", context)


@require_http_methods(["GET", "POST"])
@customer_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Write a new request; it is sent in as a mail from the customer's address."""
    session = portal_session(request)
    assert session is not None  # customer_required
    form = NewRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            portal_request_submit(
                customer=session.customer,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except NoMailboxError:
            context = {"form": form, "nav": "new", "unavailable": True}
            return render(request, "portal/request_new.html", context, status=503)
        return HttpResponseRedirect(reverse("portal:requests") + "?submitted=1", status=303)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/request_new.html", {"form": form, "nav": "new"}, status=status)
