"""Admin of teams and agent profiles (users themselves are in Django's auth admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ventanilla.agents.audit_log import SensitiveAction
from ventanilla.agents.models import AgentProfile, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    """Queues of agents and how they hand out new tickets."""

    list_display = ("name", "policy", "created_at")
    list_filter = ("policy",)
    filter_horizontal = ("members",)
    readonly_fields = ("last_assigned",)


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    """Role, language, availability and signature of each agent."""

    list_display = ("user", "role", "language", "away", "away_until")
    list_filter = ("role", "language", "away")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)


@admin.register(SensitiveAction)
class SensitiveActionAdmin(admin.ModelAdmin[SensitiveAction]):
    """The sensitive-action log: read only, for everyone (no add, change or delete)."""

    list_display = ("created_at", "kind", "actor_name", "target", "ip")
    list_filter = ("kind",)
    search_fields = ("actor_name", "target")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "kind", "actor", "actor_name", "target", "ip", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Rows are written by the application only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No one edits the log, superusers included."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No one deletes from the log, superusers included."""
        return False
