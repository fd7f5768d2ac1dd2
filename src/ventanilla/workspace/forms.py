"""Forms of the workspace: they parse and validate input; services do the work."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.agents.names import agent_display_name
from ventanilla.agents.selectors import agent_users_active, team_list
from ventanilla.tickets.inbox import InboxFilters
from ventanilla.tickets.models import Priority, TicketStatus
from ventanilla.workspace.display import level_choices


class TicketFilterForm(forms.Form):
    """The ticket filters the inbox and the search share: status, priority, team, assignee
    ("me", "none" or an id) and customer (part of a name or an address)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *TicketStatus.choices]
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *Priority.choices],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=team_list(), empty_label="—"
    )
    assignee = forms.CharField(label=_("Assignee"), required=False, max_length=20)
    customer = forms.CharField(label=_("Customer"), required=False, max_length=200)

    def shared_filters(self) -> dict[str, Any]:
        """The valid shared filters, by name (an invalid field is ignored, never fatal)."""
        data = self.cleaned_data if self.is_valid() else {}
        team = data.get("team")
        return {
            "status": data.get("status") or "",
            "priority": data.get("priority"),
            "team": team.pk if team is not None else None,
            "assignee": (data.get("assignee") or "").strip(),
            "customer": (data.get("customer") or "").strip(),
        }


class InboxFilterForm(TicketFilterForm):
    """The filters and sort of an inbox view, from GET parameters."""

    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("priority", _("Priority")),
            ("due", _("SLA due")),
            ("activity", _("Last activity")),
        ],
    )

    def filters(self) -> InboxFilters:
        """Return the valid filters (an invalid field is ignored rather than failing the page)."""
        data = self.cleaned_data if self.is_valid() else {}
        return InboxFilters(
            **self.shared_filters(),
            tag=(data.get("tag") or "").strip(),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
        )

    def sort_key(self) -> str:
        """Return the chosen sort key (priority by default)."""
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "priority"


class PriorityForm(forms.Form):
    """Urgency and impact, confirmed or overridden by the agent."""

    # Callables: the labels are translated per request, each agreeing with its noun.
    urgency = forms.ChoiceField(label=_("Urgency"), choices=partial(level_choices, "urgency"))
    impact = forms.ChoiceField(label=_("Impact"), choices=partial(level_choices, "impact"))


class AgentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of agent, listed by display name (never the bare login)."""

    def label_from_instance(self, obj: Any) -> str:
        """See ``ModelChoiceField``."""
        return agent_display_name(obj)


class AssignForm(forms.Form):
    """Assign to an agent, or to nobody."""

    assignee = AgentChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=agent_users_active(),
        empty_label=_("(nobody)"),
    )


class TeamForm(forms.Form):
    """Move the ticket to a team (or none)."""

    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=team_list(), empty_label=_("(no team)")
    )


class TagsForm(forms.Form):
    """Tags as comma-separated names."""

    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000)

    def names(self) -> list[str]:
        """Return the distinct non-empty tag names, in the order typed."""
        seen: dict[str, None] = {}
        for name in self.cleaned_data["tags"].split(","):
            if name.strip():
                seen.setdefault(name.strip()[:50], None)
        return list(seen)


class ResolveForm(forms.Form):
    """Resolving needs a note: what was wrong and what fixed it."""

    note = forms.CharField(label=_("Resolution note"), widget=forms.Textarea(attrs={"rows": 3}))
    also_draft = forms.BooleanField(label=_("Also draft a knowledge article"), required=False)


class ReopenForm(forms.Form):
    """Reopen, optionally saying why."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class MergeForm(forms.Form):
    """Merge this ticket into another one, by number."""

    target = forms.CharField(label=_("Merge into ticket number"), max_length=32)


class ReplyForm(forms.Form):
    """An answer to the customer."""

    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 8}))
    cc = forms.CharField(label=_("Cc"), required=False, max_length=2000)
    pending = forms.BooleanField(label=_("and set pending"), required=False)

    def cc_list(self) -> list[str]:
        """Return the Cc addresses, split on commas and semicolons."""
        raw = self.cleaned_data["cc"].replace(";", ",")
        return [a.strip() for a in raw.split(",") if a.strip()]


class NoteForm(forms.Form):
    """An internal note (never mailed)."""

    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 4}))


class AwayForm(forms.Form):
    """Availability: available, or away until an optional date."""

    away = forms.BooleanField(required=False)
    until = forms.DateTimeField(
        label=_("Away until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
