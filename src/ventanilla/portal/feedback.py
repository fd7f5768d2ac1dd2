""" "Did this help?" on public articles: one answer per visitor and article, counted.

A visitor is the signed-in customer's session, or else a random id in an anonymous signed
cookie; either is stored only as a hash. Answering again changes the earlier answer instead
of adding one, and one client address may leave at most `MAX_PER_IP` answers within
`WINDOW`, so clearing cookies in a loop cannot stuff the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.portal.models import ArticleFeedback

WINDOW = timedelta(hours=1)
MAX_PER_IP = 30
COMMENT_MAX = 2000


@dataclass(frozen=True)
class FeedbackCounts:
    """How many visitors said the article helped, and how many said it did not."""

    helpful: int
    not_helpful: int


@transaction.atomic
def article_feedback_record(
    *, article: KnowledgeArticle, visitor: str, helpful: bool, comment: str, ip: str | None
) -> bool:
    """Record (or change) ``visitor``'s answer on ``article``; False when over the IP limit."""
    existing = ArticleFeedback.objects.filter(article=article, visitor=visitor).first()
    if existing is None and ip:
        since = timezone.now() - WINDOW
        if ArticleFeedback.objects.filter(ip=ip, created_at__gt=since).count() >= MAX_PER_IP:
            return False
    ArticleFeedback.objects.update_or_create(
        article=article,
        visitor=visitor,
        defaults={"helpful": helpful, "comment": comment.strip()[:COMMENT_MAX], "ip": ip},
    )
    return True


def article_feedback_counts(*, article: KnowledgeArticle) -> FeedbackCounts:
    """The answers on ``article`` so far."""
    counts = ArticleFeedback.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return FeedbackCounts(helpful=counts["yes"], not_helpful=counts["no"])


def article_feedback_given(*, article: KnowledgeArticle, visitor: str) -> ArticleFeedback | None:
    """``visitor``'s answer on ``article``, if any."""
    return ArticleFeedback.objects.filter(article=article, visitor=visitor).first()
