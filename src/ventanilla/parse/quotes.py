"""What the customer newly wrote: a reply without its quoted original and signature.

Order of work: the text/plain part is trimmed with line rules (quotequail's reply/forward
patterns plus our own es/en attribution, Outlook header and signature rules). The HTML part
is used when there is no text part, or when the text shows no quote but the HTML marks one
structurally (``html.strip_html_quotes``); that path costs a parse and a conversion, so it
only runs when it can help. The result is never empty when the message has text.

Every regex (``quote_markers``) is applied to single lines of bounded length and has no nested
quantifiers, so a hostile 1 MB body costs linear time (see the conformance suite's
``pathological`` and 767 KB ``long_quote`` cases).
"""

from __future__ import annotations

from ventanilla.parse.html import has_html_quote, html_to_text, strip_html_quotes
from ventanilla.parse.quote_markers import (
    DELIMITER_ONLY,
    HEADER,
    MAX_MARKER_LEN,
    SEPARATOR,
    attribution_at,
    is_signature,
    own_position,
    quotequail_position,
)

__all__ = ["split_reply"]

# Only this many lines are searched for a quote marker; a reply's own text is shorter.
MAX_SCAN_LINES = 2000
# Bottom-posted replies are followed below at most this many quote blocks.
MAX_DEPTH = 3


def _without_trailing_quote(lines: list[str]) -> tuple[list[str], bool]:
    """Drop a ``>`` block at the end (with its attribution line); inline quotes stay."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (lines[start - 1].lstrip().startswith(">") or not lines[start - 1].strip()):
        start -= 1
    if start == end:
        return lines, False
    previous = start - 1
    if previous >= 0 and lines[previous].rstrip().endswith(":"):
        start = previous  # "Ana <ana@x.es> escribió:" in any language
    return lines[:start], True


def _without_signature(lines: list[str]) -> list[str]:
    """Cut at a ``-- `` delimiter or a mobile signature, unless nothing would be left."""
    nonblank_after = sum(1 for line in lines if line.strip())
    seen_text = False
    for n, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        nonblank_after -= 1
        if seen_text and len(line) <= MAX_MARKER_LEN and is_signature(line, nonblank_after):
            return lines[:n]
        if not DELIMITER_ONLY.match(line):
            seen_text = True
    return lines


def _finish(lines: list[str]) -> str:
    """Join the kept lines without trailing delimiter-only or blank lines."""
    end = len(lines)
    while end and DELIMITER_ONLY.match(lines[end - 1]):
        end -= 1
    return "\n".join(lines[:end]).strip("\n").rstrip()


def _trim(text: str, depth: int = 0) -> tuple[str, bool]:
    """Trim plain text; return the new text and whether a quote marker was found."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # No marker is longer than MAX_MARKER_LEN: blank longer lines so no regex crawls them.
    scan = ["" if len(line) > MAX_MARKER_LEN else line for line in lines[:MAX_SCAN_LINES]]
    own = own_position(scan)
    # quotequail only needs to look above our own marker: the earliest marker wins.
    theirs = quotequail_position(scan[:own] if own is not None else scan)
    cut = min((p for p in (own, theirs) if p is not None), default=None)
    found = cut is not None
    if cut is not None and any(line.strip() for line in lines[:cut]):
        if not _is_interleaved(lines, cut):
            lines = lines[:cut]
    elif cut is not None:
        lines = _below_marker(lines, cut, depth)
    # Signature before and after the trailing quote: "text / -- sig / > quote" and
    # "text / Sent from my iPhone / > long quote" both occur.
    lines, quoted = _without_trailing_quote(_without_signature(lines))
    return _finish(_without_signature(lines)), found or quoted


def _end_of_marker(lines: list[str], cut: int) -> int:
    """Index just after a marker line that may wrap over up to three lines."""
    for k in range(cut, min(cut + 3, len(lines))):
        if lines[k].rstrip().endswith((":", "-")):
            return k + 1
    return cut + 1


def _skip(lines: list[str], n: int, *, quoted: bool) -> int:
    """Skip blank lines (and '>' lines when ``quoted``) from ``n``."""
    while n < len(lines) and (
        not lines[n].strip() or (quoted and lines[n].lstrip().startswith(">"))
    ):
        n += 1
    return n


def _is_interleaved(lines: list[str], cut: int) -> bool:
    """Tell whether the quote at ``cut`` is answered inline: '>' lines, then new text."""
    n = _skip(lines, _end_of_marker(lines, cut), quoted=False)
    if n >= len(lines) or not lines[n].lstrip().startswith(">"):
        return False
    n = _skip(lines, n, quoted=True)
    if n >= len(lines) or len(lines[n]) > MAX_MARKER_LEN or lines[n - 1].strip():
        return False  # no blank line: a quoted line that wrapped, not an inline answer
    line = lines[n]
    return not (
        DELIMITER_ONLY.match(line)
        or SEPARATOR.match(line)
        or HEADER.match(line)
        or is_signature(line, 0)
        or attribution_at(lines, n)
    )


def _below_marker(lines: list[str], cut: int, depth: int) -> list[str]:
    """For a message that *starts* with a quote marker, find the new text below it.

    A reply written under an attribution and its '>' block (bottom-posting), or a forward
    without comment (the forwarded text, without its header block), is what we keep.
    """
    n = _skip(lines, _end_of_marker(lines, cut), quoted=False)
    if n < len(lines) and lines[n].lstrip().startswith(">"):
        n = _skip(lines, n, quoted=True)
    elif n < len(lines) and HEADER.match(lines[n]):
        while n < len(lines) and lines[n].strip():
            n += 1  # the forwarded header block ends at the first blank line
        n = _skip(lines, n, quoted=False)
    if n >= len(lines) or depth >= MAX_DEPTH:
        return lines
    rest, _ = _trim("\n".join(lines[n:]), depth + 1)
    return rest.split("\n") if rest else lines


def split_reply(text: str, html: str = "") -> str:
    """Return what the customer newly wrote in a message with ``text`` and/or ``html`` bodies.

    Quoted originals (Gmail, Outlook, Apple Mail, Thunderbird, Yahoo; es/en and some other
    languages), ``>`` blocks and signatures (``-- ``, "Enviado desde mi iPhone", "Sent from
    my Android", "Obtener Outlook para iOS") are removed. Falls back to the whole text
    rather than returning nothing.
    """
    if text.strip():
        trimmed, found = _trim(text)
        if not found and html and has_html_quote(html):
            from_html, _ = _trim(html_to_text(strip_html_quotes(html)))
            trimmed = from_html or trimmed
        return trimmed or text.strip()
    if not html:
        return ""
    if has_html_quote(html):
        trimmed, _ = _trim(html_to_text(strip_html_quotes(html)))
        if trimmed:
            return trimmed
    full = html_to_text(html)
    return _trim(full)[0] or full
