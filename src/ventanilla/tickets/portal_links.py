"""Personal portal links to a ticket: issue them for mail, resolve them, revoke them.

A link carries the ticket, its customer and both their generation counters, signed and
timestamped (``core/links.py``). It opens the ticket only while the signature holds, it is
younger than ``VENTANILLA_PORTAL_LINK_DAYS``, both counters still match and the ticket still
belongs to that customer. A ticket merged into another opens the surviving ticket only when
that one belongs to the same customer: a merge across customers must not hand one of them
the other's conversation.

Every way a link can fail answers the same ``None``, after the same database lookup, so a
wrong, tampered, expired, revoked or unknown link cannot be told apart by the answer or by
its time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from ventanilla.core.links import ticket_link_token, ticket_link_verify
from ventanilla.customers.services import customer_portal_links_revoke
from ventanilla.tickets import events
from ventanilla.tickets.models import Article, ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.selectors import ticket_follow_merges

SECONDS_PER_DAY = 86_400


def ticket_portal_token(ticket: Ticket) -> str:
    """Return a new signed link token for ``ticket`` and its customer (as they are now)."""
    return ticket_link_token(
        ticket_id=ticket.pk,
        customer_id=ticket.customer_id,
        ticket_generation=ticket.portal_link_generation,
        customer_generation=ticket.customer.portal_link_generation,
    )


def ticket_portal_url(ticket: Ticket) -> str:
    """Return the absolute URL of ``ticket``'s portal page, for mail to its customer."""
    path = reverse("portal:ticket", kwargs={"token": ticket_portal_token(ticket)})
    return f"{str(settings.VENTANILLA_BASE_URL).rstrip('/')}{path}"


def ticket_for_portal_token(token: str) -> Ticket | None:
    """Return the ticket ``token`` opens (merges followed), or None, the same for every failure."""
    max_age = int(settings.VENTANILLA_PORTAL_LINK_DAYS) * SECONDS_PER_DAY
    verified = ticket_link_verify(token, max_age=max_age)
    # A failed signature still runs the lookup (id 0 matches no row), so the time of the
    # answer does not tell a forged link from a revoked one. Every value stays within its
    # column's range: Django answers an out-of-range lookup without asking the database.
    ticket_id, customer_id, ticket_gen, customer_gen = verified or (0, 0, 0, 0)
    ticket = (
        Ticket.objects.select_related("customer", "mailbox")
        .filter(
            pk=ticket_id,
            customer_id=customer_id,
            portal_link_generation=ticket_gen,
            customer__portal_link_generation=customer_gen,
        )
        .first()
    )
    if ticket is None or verified is None:
        return None
    surviving = ticket_follow_merges(ticket)
    if surviving.customer_id != customer_id:
        return None
    return surviving


def ticket_portal_articles(*, ticket: Ticket) -> list[Article]:
    """Return what the customer may read of ``ticket``'s conversation, oldest first.

    Mail only (internal notes and automatic articles never), and of it only what the
    customer sent or what was addressed to him (To or Cc): a copy he received anyway.
    Mail a merged ticket brought from another customer, or that other customer's people,
    was never his and stays out.
    """
    customer = ticket.customer.email.lower()
    articles = (
        Article.objects.filter(ticket=ticket, kind=ArticleKind.MAIL)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    return [a for a in articles if _seen_by(a, customer)]


def _seen_by(article: Article, customer: str) -> bool:
    if article.direction == ArticleDirection.IN and article.sender_email.lower() == customer:
        return True
    recipients = [*(article.to or []), *(article.cc or [])]
    return any(
        isinstance(r, dict) and str(r.get("email", "")).lower() == customer for r in recipients
    )


@transaction.atomic
def ticket_portal_links_revoke(*, ticket: Ticket, actor: str) -> None:
    """Revoke every portal link to ``ticket`` issued so far (new mail carries a new one)."""
    Ticket.objects.filter(pk=ticket.pk).update(
        portal_link_generation=F("portal_link_generation") + 1
    )
    ticket.refresh_from_db(fields=["portal_link_generation"])
    events.ticket_portal_links_revoked_event(ticket=ticket, actor=actor)


@transaction.atomic
def ticket_customer_portal_links_revoke(*, ticket: Ticket, actor: str) -> None:
    """Revoke every portal link of ``ticket``'s customer, to any of his tickets.

    For a mailbox that was read by someone else, or a link forwarded too widely; the
    audit row goes on the ticket the agent acted from.
    """
    customer_portal_links_revoke(customer=ticket.customer)
    events.ticket_customer_portal_links_revoked_event(
        ticket=ticket, actor=actor, customer=ticket.customer.email
    )
