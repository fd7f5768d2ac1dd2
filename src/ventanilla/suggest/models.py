"""Stored sentence embeddings of tickets and knowledge articles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmbeddingKind(models.TextChoices):
    """What an embedding describes."""

    TICKET = "ticket", _("ticket")
    ARTICLE = "article", _("knowledge article")


class Embedding(models.Model):
    """One vector (float32 bytes) of one object by one model, with the hash of its text.

    The hash lets a refresh skip objects whose text did not change; the model name lets a new
    embedder live beside the old one until the back-fill has replaced every vector.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=EmbeddingKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    model_name = models.CharField(_("model"), max_length=40)
    vector = models.BinaryField(_("vector"))
    text_sha256 = models.CharField(_("text hash"), max_length=64)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("embedding")
        verbose_name_plural = _("embeddings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "model_name"], name="embedding_unique_object"
            )
        ]
        # The cached matrices ask for the count and the latest change of a kind on every use.
        indexes = [
            models.Index(fields=["kind", "model_name", "updated_at"], name="embedding_changed")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.model_name}"
