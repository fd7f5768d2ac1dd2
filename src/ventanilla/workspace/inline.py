"""Inline images of an HTML mail: ``cid:`` URLs served from the stored attachment.

An HTML part points at an image of the same message with ``<img src="cid:...">`` (RFC 2392);
the image is a MIME part whose ``Content-ID`` header is that id in angle brackets. The
sanitiser keeps ``cid:`` sources; here, at display time, each one is rewritten to the URL of
the attachment download view, so the image is served with exactly the permission checks of
a download (the agent must see the ticket), and the mail frame's CSP allows only the
attachments of this ticket.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from django.urls import reverse

from ventanilla.tickets.models import Attachment

# Image types a browser decodes without running anything; SVG is left out (it is a
# document that can carry script and links, even if <img> would not run them).
INLINE_IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"}
)

# nh3's output is html5ever's canonical serialisation: attribute values are always
# double-quoted with '"' written as &quot;, so '[^"]*' cannot run past a value.
_IMG_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")', re.IGNORECASE)


def content_id_key(value: str) -> str:
    """Return a Content-ID as compared: no white space (RFC 5322 §3.2.2 CFWS), no brackets."""
    return "".join(value.split()).strip("<>")


def cid_of_url(url: str) -> str | None:
    """Return the Content-ID a ``cid:`` URL names, or None for any other URL.

    RFC 2392 §2: the URL is the Content-ID without its angle brackets, with characters not
    allowed in URLs %-encoded ("cid:foo4%25foo1@bar.net" names <foo4%foo1@bar.net>). The
    scheme is case-insensitive (RFC 3986 §3.1); some clients keep the brackets.
    """
    value = url.strip()
    if value[:4].lower() != "cid:":
        return None
    return content_id_key(unquote(value[4:])) or None


def _keys(content_id: str) -> list[str]:
    """The forms under which a stored Content-ID may be referenced."""
    key = content_id_key(content_id)
    # A Content-ID that itself contains %-escapes is sometimes referenced decoded.
    return list(dict.fromkeys((key, content_id_key(unquote(key)))))


@dataclass(frozen=True)
class InlineImages:
    """Content-IDs of one article's attachments and the URLs that serve them inline."""

    exact: dict[str, str] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)

    def url_for(self, cid: str) -> str | None:
        """Return the URL of the attachment ``cid`` names (exact id first, then any case)."""
        return self.exact.get(cid) or self.folded.get(cid.lower())


def inline_images(*, ticket_number: str, attachments: Iterable[Attachment]) -> InlineImages:
    """Map each Content-ID of ``attachments`` to the URL that serves it inline.

    The lowercase copy is a fallback only: clients disagree on case even though RFC 5322
    treats the local part as case-sensitive. The first attachment with a given id wins (a
    forwarded message may repeat one).
    """
    images = InlineImages()
    for attachment in attachments:
        if not attachment.content_id:
            continue
        url = reverse("workspace:attachment", args=[ticket_number, attachment.pk]) + "?inline=1"
        for key in _keys(attachment.content_id):
            images.exact.setdefault(key, url)
            images.folded.setdefault(key.lower(), url)
    return images


def html_with_inline_images(html: str, images: InlineImages) -> tuple[str, bool]:
    """Rewrite ``<img src="cid:...">`` in sanitised ``html`` to the attachments' URLs.

    Returns the HTML and whether any image was rewritten. An id with no attachment is left
    alone: the frame's CSP does not allow ``cid:``, so it shows as a missing image.
    """
    if not images.exact or "cid:" not in html.lower():
        return html, False
    found = False

    def rewrite(match: re.Match[str]) -> str:
        nonlocal found
        cid = cid_of_url(html_lib.unescape(match.group(2)))
        url = images.url_for(cid) if cid else None
        if url is None:
            return match.group(0)
        found = True
        return f"{match.group(1)}{html_lib.escape(url)}{match.group(3)}"

    return _IMG_SRC.sub(rewrite, html), found


def attachments_csp_source(*, origin: str, ticket_number: str) -> str:
    """Return the CSP source expression that allows this ticket's attachments and no more.

    A source ending in "/" matches that path prefix (CSP3 §6.7.2.10); ';' and ',' would end
    the directive or the policy, so the path is %-encoded beyond RFC 3986's safe set.
    """
    url = reverse("workspace:attachment", args=[ticket_number, 0])
    prefix = url[: url.rstrip("/").rfind("/") + 1]
    return origin.rstrip("/") + quote(unquote(prefix), safe="/-._~!$&'()*+=:@")
