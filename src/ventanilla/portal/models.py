"""The portal's own records: sign-in requests and links, customer sessions, article feedback.

Customers never become Django users: a signed-in customer holds a `PortalSession` (its
token only as a hash here, the token itself in a signed cookie), so nothing a customer
holds can authenticate in the agents' workspace. Tokens are kept as SHA-256 hashes: a copy
of the database opens no session and signs nobody in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalSigninRequest(models.Model):
    """One request for a sign-in link, known address or not: what the rate limits count.

    The address is kept as a keyed hash (``portal/signin.py``), so the table is no list of
    the addresses people typed.
    """

    address_digest = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address_digest", "created_at"], name="portal_signin_addr"),
            models.Index(fields=["ip", "created_at"], name="portal_signin_ip"),
        ]

    def __str__(self) -> str:
        return f"sign-in request {self.pk} at {self.created_at:%Y-%m-%d %H:%M}"


class PortalSigninLink(models.Model):
    """A single-use, short-lived sign-in link mailed to a customer (its token's hash)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link {self.pk} for customer {self.customer_id}"


class PortalSession(models.Model):
    """A customer signed in to the portal; revoked by signing out (or out everywhere)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="portal_sessions"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "revoked_at"], name="portal_session_customer")]

    def __str__(self) -> str:
        return f"portal session {self.pk} of customer {self.customer_id}"


class ArticleFeedback(models.Model):
    """One visitor's answer to "did this help?" on one public article (one per visitor)."""

    article = models.ForeignKey(
        "knowledge.KnowledgeArticle", on_delete=models.CASCADE, related_name="portal_feedback"
    )
    # A hash of the visitor's portal session, or of an anonymous visitor cookie.
    visitor = models.CharField(max_length=64)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="portal_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{'yes' if self.helpful else 'no'} on article {self.article_id}"
