"""Knowledge articles, every version of them, their categories, slugs and ticket links.

An article's ``slug`` is its address (``/kb/<slug>/``). While the article has never been
published the slug follows its title; from the first publication on it never changes, so
links customers saved keep working. Any slug an article had before is kept in
``KnowledgeSlug`` and redirects to the current one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleLanguage(models.TextChoices):
    """The language an article is written in."""

    ES = "es", _("Spanish")
    EN = "en", _("English")


class ArticleVisibility(models.TextChoices):
    """Who may read a published article: agents only, or customers too (the portal)."""

    INTERNAL = "internal", _("internal")
    PUBLIC = "public", _("public")


class ArticleStatus(models.TextChoices):
    """A draft is seen by agents only; a published article by its audience."""

    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class KnowledgeCategory(models.Model):
    """A section of the knowledge base (``Facturación``, ``Acceso y contraseñas``...)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class KnowledgeArticle(models.Model):
    """One article: Markdown body, language, audience, state; its versions are kept apart."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    body = models.TextField(_("body"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=ArticleLanguage.choices, default=ArticleLanguage.ES
    )
    category = models.ForeignKey(
        KnowledgeCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    tags = models.ManyToManyField(
        "tickets.Tag", blank=True, related_name="knowledge_articles", verbose_name=_("tags")
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=8,
        choices=ArticleVisibility.choices,
        default=ArticleVisibility.INTERNAL,
    )
    status = models.CharField(
        _("status"), max_length=9, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
        verbose_name=_("author"),
    )
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_drafts",
        verbose_name=_("drafted from ticket"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set at the first publication and never cleared: from then on the slug is fixed.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "visibility", "language"], name="knowledge_public_lang"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """True when customers may read it: published and public."""
        return (
            self.status == ArticleStatus.PUBLISHED and self.visibility == ArticleVisibility.PUBLIC
        )


class KnowledgeArticleVersion(models.Model):
    """A saved state of an article's title and body: who wrote it and when. Never edited."""

    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="knowledge_versions",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="knowledge_version_article_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class KnowledgeSlug(models.Model):
    """A slug an article had before: its address still leads to the article (a redirect)."""

    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.CASCADE, related_name="old_slugs"
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")

    def __str__(self) -> str:
        return self.slug


class KnowledgeTicketLink(models.Model):
    """A ticket and an article that belong together (drafted from it, or linked by an agent).

    Read both ways: ``ticket.knowledge_links`` lists its articles, ``article.ticket_links``
    the tickets it answered.
    """

    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.CASCADE, related_name="ticket_links"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="knowledge_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="knowledge_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ↔ {self.ticket_id}"
