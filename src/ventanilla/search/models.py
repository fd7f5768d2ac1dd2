"""The search index: one document per ticket or knowledge article, and the words it knows.

The backends add their own structures in migrations (``migrations/0002_backends.py``):
on SQLite, FTS5 tables fed by triggers from ``SearchDocument`` and a trigram FTS5 table over
``SearchWord``; on PostgreSQL, generated ``tsvector`` columns with GIN indexes and a
``pg_trgm`` GIN index over ``SearchWord.word``. Tables rebuilt by a future migration on
SQLite lose their triggers: such a migration must create them again.
"""

from __future__ import annotations

from django.db import models


class DocumentKind(models.TextChoices):
    """What a document indexes."""

    TICKET = "ticket", "ticket"
    ARTICLE = "article", "article"


class SearchDocument(models.Model):
    """The searchable text of one ticket or one knowledge article."""

    # "t:<ticket id>" or "k:<knowledge article id>": one row per object.
    key = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=8, choices=DocumentKind.choices)
    # Deleting a ticket deletes its document (and, by trigger, its FTS rows).
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    knowledge_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    slug = models.CharField(max_length=220, blank=True)
    language = models.CharField(max_length=8, blank=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # The stemmed forms (SQLite only: PostgreSQL stems in its text search configurations).
    stem_title = models.TextField(blank=True)
    stem_body = models.TextField(blank=True)
    # Knowledge only: published and public, so customers may find it.
    public = models.BooleanField(default=False)
    # Knowledge only: published (drafts are found by agents, never offered as suggestions).
    published = models.BooleanField(default=False)
    date = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "public", "language"], name="search_doc_kind")]

    def __str__(self) -> str:
        return self.key


class SearchWord(models.Model):
    """A folded word seen in some document: the vocabulary typos are corrected against."""

    word = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.word
