"""Turn stored facts into what an agent reads: levels with Spanish agreement, addresses,
folded message parts and blocked images. Audit rows become sentences in ``history.py``.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ventanilla.tickets.models import Article, ArticleDirection, Level


def level_label(axis: str, value: object) -> str:
    """Return a level (high/medium/low) named for ``axis`` in the active language.

    The same English word needs two Spanish forms: "urgencia alta" but "impacto alto"
    (the adjective agrees with the noun), hence one message context per axis.
    """
    if axis == "impact":
        labels = {
            "high": pgettext("impact", "high"),
            "medium": pgettext("impact", "medium"),
            "low": pgettext("impact", "low"),
        }
    else:
        labels = {
            "high": pgettext("urgency", "high"),
            "medium": pgettext("urgency", "medium"),
            "low": pgettext("urgency", "low"),
        }
    return labels.get(str(value), str(value or "—"))


def level_choices(axis: str) -> list[tuple[str, str]]:
    """Return the (value, label) choices of ``axis`` for a form, translated when called."""
    return [(level.value, level_label(axis, level.value)) for level in Level]


def axis_label(axis: str) -> str:
    """Return the name of an axis ("urgency", "impact") in the active language."""
    return {"urgency": _("urgency"), "impact": _("impact")}.get(axis, axis)


def address_text(value: object) -> str:
    """Return one stored address (``{"name", "email"}`` or a string) as "Name <email>"."""
    if isinstance(value, dict):
        name = " ".join(str(value.get("name") or "").split())
        email = str(value.get("email") or "").strip()
        if name and email:
            return f"{name} <{email}>"
        return name or email
    return str(value or "").strip()


def addresses_text(values: object) -> str:
    """Return a stored address list as one comma-separated line (empty entries dropped)."""
    if not isinstance(values, Iterable) or isinstance(values, (str, bytes, dict)):
        values = [values]
    return ", ".join(text for text in (address_text(v) for v in values) if text)


@dataclass(frozen=True)
class Fold:
    """Whether an article has more to show than its new text, and what the link says."""

    show: bool
    label: str = ""


def _words(text: str) -> str:
    return " ".join(text.split())


def article_fold(article: Article) -> Fold:
    """Decide the "show the whole message" expander of ``article``.

    It appears only when there is more than the new text: quoted history or a signature
    the text view left out, or an HTML body (shown as sent). The label says which.
    """
    full, new = _words(article.text), _words(article.new_text)
    more_text = bool(full) and bool(new) and full != new
    if more_text and article.direction == ArticleDirection.IN:
        return Fold(True, _("Show the whole message (quoted history)"))
    if more_text:
        return Fold(True, _("Show the whole message"))
    if article.html:
        return Fold(True, _("Show the message as sent"))
    return Fold(False)


_BLOCKED_SRC = re.compile(r'\bdata-remote-src="([^"]*)"')


def html_with_remote_images(html: str, *, keep_blocked_hosts: Iterable[str] = ()) -> str:
    """Return sanitised ``html`` with the blocked remote images allowed to load again.

    ``parse/html.py`` moved each remote ``src`` to ``data-remote-src``; this is the agent's
    explicit "show remote images" (the sender learns the message was opened). Images on
    ``keep_blocked_hosts`` stay blocked: a same-origin frame would send them the agent's
    session cookie.
    """
    hosts = {h.lower() for h in keep_blocked_hosts}

    def allow(match: re.Match[str]) -> str:
        host = urlsplit(html_lib.unescape(match.group(1))).hostname or ""
        return match.group(0) if host.lower() in hosts else f'src="{match.group(1)}"'

    return _BLOCKED_SRC.sub(allow, html)
