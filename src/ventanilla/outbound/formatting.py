"""The "simple formatting" of agents' replies: a tiny, safe markdown subset to HTML.

Agents write plain text with optional simple formatting. No markdown library is installed
and a full one would be more than needed, so this converts exactly: ``**bold**``,
``*italic*`` (or ``_italic_``), ``[text](https://...)`` links, lines starting with ``-``/``*``
(bulleted list) or ``1.`` (numbered list), and blank-line separated paragraphs. Everything is
HTML-escaped first, so nothing the agent types can become markup except these constructs,
and links only to ``http``, ``https`` and ``mailto`` URLs. The plain-text part of the mail
is the text as typed (it reads well as it is).
"""

from __future__ import annotations

import re
from html import escape

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>\"]+)\)")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_MARKERS = re.compile(r"\*\*\S|(?<!\w)[*_]\S.*?\S[*_](?!\w)|\]\(|^\s*(?:[-*]|\d{1,3}[.)])\s", re.M)


def has_formatting(text: str) -> bool:
    """True when ``text`` uses any construct of the subset (then an HTML part is worth it)."""
    return bool(_MARKERS.search(text))


def _inline(line: str) -> str:
    """Convert the inline constructs of one already-escaped line."""
    # Links first, so "*" inside a URL is not read as emphasis; the URL was escaped with
    # the line, which is what an attribute value needs (quotes are excluded by _LINK).
    parts = []
    last = 0
    for match in _LINK.finditer(line):
        parts.append(_emphasis(line[last : match.start()]))
        parts.append(f'<a href="{match.group(2)}">{_emphasis(match.group(1))}</a>')
        last = match.end()
    parts.append(_emphasis(line[last:]))
    return "".join(parts)


def _emphasis(text: str) -> str:
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\2</em>", text)


def _block(lines: list[str]) -> str:
    """Convert one paragraph: runs of list items become lists, other lines a ``<p>``."""
    html: list[str] = []
    run_kind = ""  # the current run: "ul", "ol" or "p"
    run: list[str] = []  # and its converted lines
    for line in lines:
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        item = bullet or numbered
        kind = "ul" if bullet else "ol" if numbered else "p"
        if kind != run_kind and run:
            html.append(_close(run_kind, run))
            run = []
        run_kind = kind
        run.append(_inline(item.group(1) if item is not None else line))
    if run:
        html.append(_close(run_kind, run))
    return "\n".join(html)


def _close(kind: str, lines: list[str]) -> str:
    if kind == "p":
        return "<p>" + "<br>\n".join(lines) + "</p>"
    items = "\n".join(f"<li>{line}</li>" for line in lines)
    return f"<{kind}>\n{items}\n</{kind}>"


def markdown_to_html(text: str) -> str:
    """Return a complete, safe HTML document for ``text`` (see the module docstring)."""
    escaped = escape(text.replace("\r\n", "\n"), quote=True)
    paragraphs = [p.split("\n") for p in re.split(r"\n\s*\n", escaped.strip()) if p.strip()]
    inner = "\n".join(_block(lines) for lines in paragraphs)
    head = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n'
    return f"{head}{inner}\n</body></html>\n"
