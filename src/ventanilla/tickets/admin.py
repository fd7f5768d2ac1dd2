"""Admin for tickets: a read-only view of each case, its conversation, people and history.

Read-only on purpose: the status has one writer (``tickets.states.ticket_transition``) and
every change must leave an event, which plain admin forms would bypass. Mail text is
shown escaped (admin read-only fields escape); the sanitised HTML is never rendered here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ventanilla.tickets import admin_config  # noqa: F401  (registers the configuration)
from ventanilla.tickets.models import Article, Participant, Ticket, TicketEvent


class _ReadOnlyInline(admin.TabularInline[Any, Ticket]):
    """An inline that shows rows and never adds, changes or deletes them."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        """No adding from the admin."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        """No editing from the admin (fields are then shown read-only)."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        """No deleting from the admin."""
        return False


class ArticleInline(_ReadOnlyInline):
    """The conversation, oldest first."""

    model = Article
    fields = ("created_at", "direction", "kind", "sender_email", "subject", "new_text")
    readonly_fields = fields


class ParticipantInline(_ReadOnlyInline):
    """People in Cc besides the customer."""

    model = Participant
    fields = ("email", "name", "role", "created_at")
    readonly_fields = fields


class TicketEventInline(_ReadOnlyInline):
    """The audit trail."""

    model = TicketEvent
    fields = ("created_at", "kind", "actor", "data")
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    """Tickets with their articles, participants and events."""

    list_display = (
        "number",
        "subject",
        "customer",
        "mailbox",
        "status",
        "language",
        "possible_spoof",
        "received_at",
        "last_activity_at",
    )
    list_filter = ("status", "mailbox", "language", "possible_spoof")
    search_fields = ("number", "subject", "customer__email", "customer__name")
    list_select_related = ("customer", "mailbox")
    date_hierarchy = "received_at"
    inlines = (ArticleInline, ParticipantInline, TicketEventInline)
    readonly_fields = (
        "number",
        "mailbox",
        "customer",
        "subject",
        "status",
        "language",
        "possible_spoof",
        "received_at",
        "created_at",
        "updated_at",
        "last_activity_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Tickets are opened by mail (the pipeline), not by hand here."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        """Tickets are never deleted from the admin: numbers and history must stay."""
        return False
