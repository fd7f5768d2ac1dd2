"""Helpers of the readable-ticket tests: an agent's view of the ticket page, one article of it."""

from __future__ import annotations

from django.urls import reverse

from ventanilla.tickets.models import Article


def _page(client, user, ticket) -> str:
    client.force_login(user)
    return str(client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode())


def _article(page: str, article: Article) -> str:
    return page.split(f'id="article-{article.pk}"', 1)[1].split("</article>", 1)[0]
