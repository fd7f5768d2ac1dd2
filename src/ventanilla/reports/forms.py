"""The report's filter form: period and the seven filters, from the query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ventanilla.agents.models import Team
from ventanilla.customers.models import Organisation
from ventanilla.mail.models import InboundSource, Mailbox
from ventanilla.reports.periods import PRESETS
from ventanilla.reports.selectors import Filters
from ventanilla.tickets.models import Priority
from ventanilla.tickets.models import Tag as TicketTag

PRESET_LABELS = {
    "7d": _("Last 7 days"),
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
    "12m": _("Last 12 months"),
}
ANY = ("", _("All"))


class ReportForm(forms.Form):
    """GET parameters of a report page (every field optional)."""

    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=[(k, PRESET_LABELS[k]) for k in PRESETS]
    )
    first = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    mailbox = forms.TypedChoiceField(
        label=_("Mailbox"), required=False, coerce=int, empty_value=None
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    agent = forms.CharField(label=_("Agent"), required=False, max_length=150)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[ANY, *Priority.choices],
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[ANY, *InboundSource.choices]
    )

    def __init__(self, *args: Any, own: bool = False, **kwargs: Any) -> None:
        """Fill the choices from the database; ``own``: the agent's page (no agent filter)."""
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name").values_list("name", flat=True)
        tags = TicketTag.objects.values_list("name", flat=True)
        self._choices("mailbox", list(Mailbox.objects.order_by("name").values_list("pk", "name")))
        self._choices("team", [(n, n) for n in teams])
        self._choices(
            "organisation", list(Organisation.objects.order_by("name").values_list("pk", "name"))
        )
        self._choices("tag", [(n, n) for n in tags])
        if own:
            del self.fields["agent"]

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [ANY, *choices]

    def filters(self, *, agent: str | None = None) -> Filters:
        """The filters asked for (call after ``is_valid``); ``agent`` forces the agent."""
        data = self.cleaned_data
        return Filters(
            mailbox=data.get("mailbox"),
            team=data.get("team") or None,
            agent=agent if agent is not None else (data.get("agent") or None),
            priority=data.get("priority"),
            channel=data.get("channel") or None,
            organisation=data.get("organisation"),
            tag=data.get("tag") or None,
        )
