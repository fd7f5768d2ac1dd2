"""Highlighted snippets: the passage of a document around the first word that matched.

Words match as the backends match them (folded, stemmed in either language, or a corrected
typo), so the marks agree with the results. Everything else is escaped.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ventanilla.search.terms import Term
from ventanilla.search.text import stems, word_spans

BEFORE = 60
WIDTH = 220


def _wanted(terms: list[Term]) -> tuple[set[str], set[str]]:
    folded = {v for t in terms for v in t.variants}
    return folded, {s for w in folded for s in stems(w)}


def _is_hit(word: str, folded: set[str], stemmed: set[str]) -> bool:
    return word in folded or bool(stems(word) & stemmed)


def highlight(text: str, terms: list[Term]) -> SafeString:
    """Return ``text`` escaped, with every matching word in ``<mark>``."""
    folded, stemmed = _wanted(terms)
    out: list[str] = []
    last = 0
    for start, end, word in word_spans(text):
        if _is_hit(word, folded, stemmed):
            out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
            last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def snippet(text: str, terms: list[Term]) -> SafeString:
    """Return about ``WIDTH`` characters of ``text`` around its first matching word."""
    folded, stemmed = _wanted(terms)
    first = next(
        (s for s, _e, w in word_spans(text) if _is_hit(w, folded, stemmed)),
        0,
    )
    start = max(0, first - BEFORE)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + WIDTH)
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space > first else end
    passage = " ".join(text[start:end].split())
    marked = highlight(passage, terms)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - marked is escaped
