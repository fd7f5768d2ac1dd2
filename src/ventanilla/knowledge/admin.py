"""Admin of the knowledge base: categories are edited here; articles are only shown.

Articles are read-only in the admin on purpose: every change of title or body must leave a
version (``services.knowledge_article_update``), which plain admin forms would bypass. The
workspace's Knowledge section is where articles are written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ventanilla.knowledge.models import (
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
    KnowledgeTicketLink,
)


@admin.register(KnowledgeCategory)
class KnowledgeCategoryAdmin(admin.ModelAdmin[KnowledgeCategory]):
    """Sections of the knowledge base, in their display order."""

    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


class _ReadOnlyInline(admin.TabularInline[Any, KnowledgeArticle]):
    """Rows shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No adding from the admin."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No editing from the admin."""
        return False


class VersionInline(_ReadOnlyInline):
    """Every saved version, newest first."""

    model = KnowledgeArticleVersion
    fields = ("number", "title", "author", "created_at")
    readonly_fields = fields


class TicketLinkInline(_ReadOnlyInline):
    """The tickets this article was drafted from or linked to."""

    model = KnowledgeTicketLink
    fields = ("ticket", "created_by", "created_at")
    readonly_fields = fields


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin[KnowledgeArticle]):
    """Articles, read-only (see the module docstring)."""

    list_display = ("title", "language", "category", "visibility", "status", "updated_at")
    list_filter = ("status", "visibility", "language", "category")
    search_fields = ("title", "slug")
    inlines = (VersionInline, TicketLinkInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Articles are written in the workspace."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Shown read-only: edits must leave a version."""
        return False
