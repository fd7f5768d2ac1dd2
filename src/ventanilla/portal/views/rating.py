"""The customer rates the solution of his ticket: a confirmation page, recorded on POST only.

The resolution notice links here with the customer's personal ticket token and a proposed
value (``/p/t/<token>/rate/good/``). Mail scanners and link previews fetch every link of a
message by GET, so the GET only shows the form with that value chosen; the customer's press
of the button (a POST with CSRF) records it. Any failure of the link answers the portal's
one "link not valid" page, whatever the reason.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ventanilla.portal.context_processors import mailbox_contact
from ventanilla.portal.views.common import link_unavailable, use_customer_language
from ventanilla.tickets.models import Rating, Ticket
from ventanilla.tickets.portal_links import ticket_for_portal_token
from ventanilla.tickets.satisfaction import COMMENT_MAX_CHARS, ticket_rate, ticket_rating_state


class RatingForm(forms.Form):
    """Good or bad, and an optional comment."""

    # Adverbs, not the stored adjectives: they answer the question, with no gender to agree.
    rating = forms.ChoiceField(
        label=_("Was this solved well?"),
        choices=[(Rating.GOOD, _("Well")), (Rating.BAD, _("Badly"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _page(
    request: HttpRequest, ticket: Ticket, form: RatingForm, status: int = 200
) -> HttpResponse:
    state = ticket_rating_state(ticket=ticket)
    context = {
        "ticket": ticket,
        "form": form,
        "state": state,
        "saved": request.GET.get("saved") == "1" and state.current is not None,
        "portal_contact": mailbox_contact(ticket.mailbox),
    }
    return render(request, "portal/rating.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def rating_page(request: HttpRequest, token: str, rating: str) -> HttpResponse:
    """GET: the form with ``rating`` chosen (records nothing); POST: record the rating."""
    ticket = ticket_for_portal_token(token)
    if ticket is None or rating not in Rating.values:
        return link_unavailable(request)
    use_customer_language(request, ticket.customer, ticket.language)
    if request.method != "POST":
        current = ticket_rating_state(ticket=ticket).current
        initial = {"rating": rating, "comment": current.comment if current else ""}
        return _page(request, ticket, RatingForm(initial=initial))
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            ticket_rate(
                ticket=ticket,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Post/Redirect/Get: reloading the thanks page sends nothing again.
            here = reverse("portal:rate", kwargs={"token": token, "rating": rating})
            return HttpResponseRedirect(f"{here}?saved=1", status=303)
    return _page(request, ticket, form, status=400)
