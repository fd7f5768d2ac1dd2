"""Admin of teams and agent profiles (users themselves are in Django's auth admin)."""

from __future__ import annotations

from django.contrib import admin

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
