"""The agent's personal API tokens: make one (its secret shown this once), revoke one.

The secret is rendered in the answer to the POST that made it, never stored or put in a URL
or the session; the page is private (``no-store``), so the back button cannot show it again.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ventanilla.agents.token_services import api_token_create, api_token_revoke, api_tokens_of
from ventanilla.agents.tokens import ApiTokenScope
from ventanilla.workspace.views.common import agent_required, request_user


class ApiTokenForm(forms.Form):
    """Name, scope and optional last day of a new token."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiTokenScope.choices)
    expires = forms.DateField(
        label=gettext_lazy("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in the company's time zone, or None."""
        day = self.cleaned_data.get("expires")
        return timezone.make_aware(datetime.combine(day, time.max)) if day else None


def _page(request: HttpRequest, form: ApiTokenForm, secret: str = "") -> HttpResponse:
    context = {
        "form": form,
        "secret": secret,
        "tokens": api_tokens_of(user=request_user(request)),
        "now": timezone.now(),
    }
    return render(request, "workspace/api_tokens.html", context)


@agent_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the agent's tokens; a POST makes a new one and shows its secret once."""
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    made = api_token_create(
        user=request_user(request),
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        expires_at=form.expires_at(),
    )
    return _page(request, ApiTokenForm(), secret=made.secret)


@require_POST
@agent_required
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the agent's own tokens."""
    if api_token_revoke(user=request_user(request), token_id=token_id):
        messages.success(request, _("Token revoked."))
    return redirect("workspace:api-tokens")
