"""The data-rights pages (admins only): find a customer, download his archive, erase him.

Edges: each view parses, asks ``agents.permissions.can_manage_personal_data``, calls one
service or selector and renders. The export and the erasure are POSTs (CSRF-checked) and
both are written to the sensitive-action log by their services.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ventanilla.agents.permissions import can_manage_personal_data
from ventanilla.customers.models import Customer
from ventanilla.customers.selectors import customer_get_by_email
from ventanilla.privacy.erasure import customer_erase
from ventanilla.privacy.export import customer_export_write
from ventanilla.privacy.forms import CustomerLookupForm, EraseForm
from ventanilla.privacy.selectors import customer_by_id, customer_held_data

View = Callable[..., HttpResponseBase]
# Archives up to this size are built in memory, bigger ones in a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024


def admin_only(view: View) -> View:
    """Send anonymous visitors to the login page; refuse anyone who is not an admin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_personal_data(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _customer(customer_id: int) -> Customer:
    customer = customer_by_id(customer_id=customer_id)
    if customer is None:
        raise Http404(customer_id)
    return customer


@admin_only
@require_GET
def customer_page(request: HttpRequest) -> HttpResponse:
    """Find a customer by address; show what is held about him and the two actions."""
    form = CustomerLookupForm(request.GET or None)
    customer = None
    if form.is_valid():
        customer = customer_get_by_email(email=form.cleaned_data["email"])
    context = {
        "form": form,
        "customer": customer,
        "held": customer_held_data(customer=customer) if customer else None,
        "erase_form": EraseForm(email=customer.email) if customer else None,
        "searched": form.is_valid(),
    }
    return render(request, "privacy/customer.html", context)


@admin_only
@require_POST
def customer_export(request: HttpRequest, customer_id: int) -> FileResponse:
    """Build and send the customer's archive (logged as an export)."""
    customer = _customer(customer_id)
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    customer_export_write(customer=customer, out=archive, actor=_user(request))
    archive.seek(0)
    response = FileResponse(archive, as_attachment=True, filename=f"customer-{customer.pk}.zip")
    response.headers["Cache-Control"] = "no-store"
    return response


@admin_only
@require_POST
def customer_erase_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Erase the customer once the admin has typed his address again."""
    customer = _customer(customer_id)
    form = EraseForm(request.POST, email=customer.email)
    if not form.is_valid():
        context = {
            "form": CustomerLookupForm(initial={"email": customer.email}),
            "customer": customer,
            "held": customer_held_data(customer=customer),
            "erase_form": form,
            "searched": True,
        }
        return render(request, "privacy/customer.html", context, status=400)
    done = customer_erase(customer=customer, actor=_user(request))
    text = ngettext(
        "The customer's personal data was erased; %(count)s ticket remains, anonymised.",
        "The customer's personal data was erased; %(count)s tickets remain, anonymised.",
        done.tickets,
    )
    messages.success(request, text % {"count": done.tickets})
    return redirect(reverse("privacy:customer"))
