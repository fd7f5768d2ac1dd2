"""Filters and tags for showing mail safely: the sandboxed document of an HTML body."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import template
from django.contrib.auth.models import AbstractBaseUser

from ventanilla.agents.names import agent_display_name
from ventanilla.tickets.models import Article, Ticket
from ventanilla.workspace.display import (
    Fold,
    addresses_text,
    article_fold,
    html_with_remote_images,
)
from ventanilla.workspace.inline import (
    attachments_csp_source,
    html_with_inline_images,
    inline_images,
)

register = template.Library()

# The body runs in <iframe sandbox srcdoc=...>: no script, no forms, no popups. The CSP
# also keeps every fetch off (tracking pixels, CSS url()), except this ticket's inline
# images, and remote images once the agent allowed them.
_HEAD = (
    '<!doctype html><html><head><meta charset="utf-8">'
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src {img}\">"
    '<meta name="referrer" content="no-referrer">'
    '<base target="_blank"><style>body{{font:14px/1.45 system-ui,sans-serif;margin:8px;'
    "color:#1d2430;word-wrap:break-word}}img{{max-width:100%;height:auto}}</style></head><body>"
)


@dataclass(frozen=True)
class MailFrame:
    """What the template puts in the iframe: its ``sandbox`` value and its ``srcdoc``."""

    srcdoc: str
    sandbox: str


@register.simple_tag(takes_context=True)
def mail_frame(
    context: template.Context, ticket: Ticket, article: Article, html: str, images: bool = False
) -> MailFrame:
    """Return the frame of ``article``'s sanitised ``html``, its ``cid:`` images served.

    An opaque-origin frame (plain ``sandbox``) gets no SameSite=Lax session cookie, so it
    could not load the attachment view; a frame that shows inline images therefore gets
    ``allow-same-origin`` and nothing else: without ``allow-scripts`` nothing in it can use
    that origin, and its CSP lets it fetch only this ticket's attachments (plus remote
    images once the agent asked for them).
    """
    request = context.get("request")
    body, found = html, False
    if request is not None:
        attachments = article.attachments.all()
        body, found = html_with_inline_images(
            body, inline_images(ticket_number=ticket.number, attachments=attachments)
        )
    if images:
        # In a same-origin frame a remote image on our own host would carry the session.
        host = urlsplit("//" + request.get_host()).hostname if request is not None else None
        own = [host] if found and host else []
        body = html_with_remote_images(body, keep_blocked_hosts=own)
    sources = ["https:", "http:", "data:"] if images else ["data:"]
    if found and request is not None:
        origin = request.build_absolute_uri("/")
        sources.append(attachments_csp_source(origin=origin, ticket_number=ticket.number))
    return MailFrame(
        srcdoc=_HEAD.format(img=" ".join(sources)) + body,
        sandbox="allow-same-origin" if found else "",
    )


@register.filter
def agent_name(user: AbstractBaseUser | None) -> str:
    """An agent as people read him: full name, else login (``agents.names``)."""
    return agent_display_name(user)


@register.filter
def addresses(values: object) -> str:
    """A stored address list (``{"name", "email"}`` entries) as "Name <email>, ..."."""
    return addresses_text(values)


@register.filter
def fold(article: Article) -> Fold:
    """Whether ``article`` has more than its new text to show, and the expander's label."""
    return article_fold(article)


@register.filter
def has_remote_images(html: str) -> bool:
    """True when the sanitiser blocked at least one remote image in ``html``."""
    return "data-remote-src=" in html
