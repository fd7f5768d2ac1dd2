"""What the customer newly wrote: a reply without its quoted original and signature.

Order of work: the text/plain part is trimmed with line rules (quotequail's reply/forward
patterns plus our own es/en attribution, Outlook header and signature rules). The HTML part
is used when there is no text part, or when the text shows no quote but the HTML marks one
structurally (``html.strip_html_quotes``); that path costs a parse and a conversion, so it
only runs when it can help. The result is never empty when the message has text.

Every regex here is applied to single lines of bounded length and has no nested
quantifiers, so a hostile 1 MB body costs linear time (see the conformance suite's
``pathological`` and 767 KB ``long_quote`` cases).
"""

from __future__ import annotations

import re

import quotequail

from ventanilla.parse.html import has_html_quote, html_to_text, strip_html_quotes

__all__ = ["split_reply"]

# Only this many lines are searched for a quote marker; a reply's own text is shorter.
MAX_SCAN_LINES = 2000
# Marker lines (attribution, headers, signatures) are short; longer lines are skipped.
MAX_MARKER_LEN = 400
# quotequail's intro lines ("On ... wrote:") are shorter still; longer lines are not tried.
MAX_INTRO_LEN = 250
# A mobile signature ("Sent from my iPhone") is only cut this close to the end.
MAX_LINES_AFTER_SIGNATURE = 40
# Bottom-posted replies are followed below at most this many quote blocks.
MAX_DEPTH = 3

# "El lun, 3 nov 2025 a las 10:02, Ana <ana@x.es> escribió:" / "On Mon, ... wrote:" /
# "Ana <ana@x.es> schrieb am Mo., 3. Nov.:": a line ending in a colon with a "wrote" verb,
# that starts like an attribution or names a date or an address. Checked cheapest first.
_ATTRIBUTION_VERB = re.compile(
    r"\b(?:escribi[óo]|wrote|writes|schrieb|a écrit|ha scritto|escreveu|schreef|skrev|"
    r"napisał|написал|kirjoitti)",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^(?:El|On|Am|Le|Il|Em|Op|Den|W dniu)\s", re.IGNORECASE)
_DIGIT_OR_AT = re.compile(r"[\d@]")
# Verb-less forms that name a date or time and end with the address: Gmail's older
# "2016-10-24 15:36 GMT+02:00 Ana <ana@x.es>:", Yandex/mail.ru "ср, 30 апр. 2025 г. в 15:19, …".
_ADDRESS_END = re.compile(r"<[^<>\s]+@[^<>\s]+>\s?:$")
_DATE_OR_TIME = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[:.]\d\d\b")
# Outlook and friends: a separator line that starts the original. (The optional wrapper is
# '*' only: '[*_]*' next to '_{10,}' backtracks cubically on a line of underscores.)
_SEPARATOR = re.compile(
    r"^\s*\**(?:-{2,}\s*(?:Mensaje original|Original Message|Mensaje reenviado|"
    r"Forwarded message|Urspr[üu]ngliche Nachricht|Message d'origine)\s*-{2,}"
    r"|_{10,}|-{10,}|-{3,}[^-]{3,40}-{3,})\**\s*$",
    re.IGNORECASE,
)
_NAMED_SEPARATOR = re.compile(
    r"Mensaje original|Original Message|Mensaje reenviado|Forwarded message", re.IGNORECASE
)
# A header line of a quoted message, also when html_to_text wrapped the name in ** or _.
_HEADER = re.compile(
    r"^\s*[*_]{0,2}(from|de|von|van|da|od|fra|från|от|sent|enviado(?: el)?|date|fecha|"
    r"gesendet|datum|dato|envoyé|data|verzonden|message du|to|para|an|à|a|aan|til|till|do|"
    r"кому|cc|copie à|subject|asunto|betreff|objet|sujet|oggetto|assunto|onderwerp|temat|"
    r"emne|ämne|тема|отправлено)[*_]{0,2}\s?:",
    re.IGNORECASE,
)
_FROM_NAMES = frozenset({"from", "de", "von", "van", "da", "od", "fra", "från", "от"})
_SIG_DELIMITER = re.compile(r"^(?:-- ?|__)$")  # RFC 3676 §4.3 "-- " (often sent as "--")
_MOBILE_SIGNATURE = re.compile(
    r"^[(<\s]*(?:"
    r"(?:sent|sendt|skickat|enviado|envoyé|verzonden|inviato)\s+"
    r"(?:from|fra|från|desde|depuis|de|da|vanaf)\s+"
    r"(?:my|min|mi|mon|mio|mijn)\s+(?:\S+\s+){0,3}?"
    r"(?:iphone|ipad|ipod|android|blackberry|mobile|móvil|movil|smartphone|phone|teléfono|"
    r"telefono|cell|samsung|galaxy|huawei|xiaomi|pixel|htc|nokia|motorola|tablet|device|"
    r"dispositivo|windows|sony|lg|ipad)\b.{0,60}"
    r"|sent from my [^,.;!?]{1,40}"  # "Sent from my TI-85": short, no sentence
    r"|(?:sent|enviado|gesendet|envoyé|inviato|verzonden)\s+"
    r"(?:from|with|via|desde|con|mediante|von|mit|à partir de|depuis|avec|da|met)\s+"
    r"(?!my\b|mi\b)[^,;]{1,60}"
    r"|(?:get|obtener|descargar|télécharger)\s+\[?outlook\s+(?:for|para|pour|für)\s+\S+.{0,60}"
    r"|von meinem \S+ gesendet.{0,40}"
    r")$",
    re.IGNORECASE,
)
_DELIMITER_ONLY = re.compile(r"^[\s\-_=*#~+.ᐧ]*$")


def _quotequail_position(lines: list[str]) -> int | None:
    """Line where quotequail finds a reply/forward intro, or None.

    quotequail tries ~30 patterns on every line (and on it joined with the next); all of
    them end in ':', '>', '-' or '_'. Lines that cannot end a match (nor are followed by one
    that can), and lines too long to be an intro, are blanked first: same answer, and a
    blank line costs quotequail next to nothing.
    """
    ends = [
        len(line) <= MAX_INTRO_LEN and line.rstrip().endswith((":", ">", "-", "_"))
        for line in lines
    ]
    candidates = [
        line if ends[n] or (n + 1 < len(lines) and ends[n + 1]) else ""
        for n, line in enumerate(lines)
    ]
    if not any(candidates):
        return None  # quotequail would also treat "" as reaching its line limit
    # limit > line count: quotequail otherwise quotes everything after `limit` lines.
    text = "\n".join(candidates)
    parts = quotequail.quote(text, limit=len(candidates) + 1, quote_intro_line=True)
    if len(parts) == 1:  # [top] when nothing was found, else [top, quoted]
        return None
    quoted: str = parts[1][1]
    return len(lines) - (quoted.count("\n") + 1)


def _is_header_block(lines: list[str], start: int) -> bool:
    """Tell whether a quoted message's header block (From/Sent/To/Subject…) starts here."""
    names: list[str] = []
    others = 0
    for line in lines[start : start + 10]:
        match = _HEADER.match(line)
        if match:
            names.append(match.group(1).lower())
            others = 0
        elif line.strip():
            others += 1  # a wrapped value ("**From:**" then the name on its own line)
            if others > 1:
                break
    if not any(name in _FROM_NAMES for name in names):
        return False
    previous = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
    needed = 2 if _SEPARATOR.match(previous) else 3
    return len(set(names)) >= needed


def _is_attribution(line: str) -> bool:
    """Tell whether ``line`` (possibly joined from wrapped lines) introduces a quote."""
    line = line.strip().strip("*_")  # html_to_text may have made it bold
    if line.startswith("--") and line.endswith("--"):
        line = line.strip("- ") + ":"  # Zoho: "---- On Tue, ... wrote ----"
    elif "@" in line and line.endswith(("wrote", "escribió")):
        line += ":"  # some clients drop the colon
    if not line.endswith(":"):
        return False
    start = line.rfind("<")  # match from the last '<' only: linear on any input
    if start >= 0 and _ADDRESS_END.match(line, start) and _DATE_OR_TIME.search(line):
        return True
    if not _ATTRIBUTION_VERB.search(line):
        return False
    return bool(_ATTRIBUTION_START.match(line) or _DIGIT_OR_AT.search(line))


def _attribution_at(lines: list[str], n: int) -> bool:
    """Tell whether an attribution starts at line ``n``, wrapped over up to three lines."""
    first = lines[n].strip()
    if not (_ATTRIBUTION_START.match(first) or _DIGIT_OR_AT.search(first)):
        return False  # a wrapped attribution starts like one; "Hello" above it does not
    joined = ""
    for line in lines[n : n + 3]:
        if not line.strip():
            return False
        # Like quotequail: "Ana <" + "ana@x.es>:" joins without a space.
        glue = "" if joined.endswith(("<", "(", "[", '"')) else " "
        joined = f"{joined}{glue}{line.strip()}" if joined else line.rstrip()
        if _is_attribution(joined):
            return True
        if joined.endswith((".", "!", "?")) and "@" not in joined:
            return False  # a sentence ended: the text above an attribution, not its start
    return False


def _own_position(lines: list[str]) -> int | None:
    """Line where one of our own quote markers starts, or None."""
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        if not line.lstrip().startswith(">") and _attribution_at(lines, n):
            return n
        if _SEPARATOR.match(line) and _followed_by_header(lines, n):
            return n
        if _HEADER.match(line) and _is_header_block(lines, n):
            return _include_separator(lines, n)
    return None


def _followed_by_header(lines: list[str], n: int) -> bool:
    """Tell whether the separator at ``n`` introduces a message (a header or a named rule)."""
    if _NAMED_SEPARATOR.search(lines[n]):
        return True  # "-----Mensaje original-----" names itself
    following = [line for line in lines[n + 1 : n + 4] if line.strip()]
    return bool(following) and _HEADER.match(following[0]) is not None


def _include_separator(lines: list[str], n: int) -> int:
    """Move a cut at a header block up to the separator line right above it, if any."""
    for k in range(n - 1, max(n - 3, -1), -1):
        if not lines[k].strip():
            continue
        return k if _SEPARATOR.match(lines[k]) or _DELIMITER_ONLY.match(lines[k]) else n
    return n


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
        if seen_text and len(line) <= MAX_MARKER_LEN and _is_signature(line, nonblank_after):
            return lines[:n]
        if not _DELIMITER_ONLY.match(line):
            seen_text = True
    return lines


def _is_signature(line: str, nonblank_after: int) -> bool:
    """Tell whether a signature starts at ``line`` (with ``nonblank_after`` lines after it)."""
    if _SIG_DELIMITER.match(line.rstrip("\n")):
        return True
    near_end = nonblank_after < MAX_LINES_AFTER_SIGNATURE
    return near_end and _MOBILE_SIGNATURE.match(line.strip()) is not None


def _finish(lines: list[str]) -> str:
    """Join the kept lines without trailing delimiter-only or blank lines."""
    end = len(lines)
    while end and _DELIMITER_ONLY.match(lines[end - 1]):
        end -= 1
    return "\n".join(lines[:end]).strip("\n").rstrip()


def _trim(text: str, depth: int = 0) -> tuple[str, bool]:
    """Trim plain text; return the new text and whether a quote marker was found."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # No marker is longer than MAX_MARKER_LEN: blank longer lines so no regex crawls them.
    scan = ["" if len(line) > MAX_MARKER_LEN else line for line in lines[:MAX_SCAN_LINES]]
    own = _own_position(scan)
    # quotequail only needs to look above our own marker: the earliest marker wins.
    theirs = _quotequail_position(scan[:own] if own is not None else scan)
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
        _DELIMITER_ONLY.match(line)
        or _SEPARATOR.match(line)
        or _HEADER.match(line)
        or _is_signature(line, 0)
        or _attribution_at(lines, n)
    )


def _below_marker(lines: list[str], cut: int, depth: int) -> list[str]:
    """For a message that *starts* with a quote marker, find the new text below it.

    A reply written under an attribution and its '>' block (bottom-posting), or a forward
    without comment (the forwarded text, without its header block), is what we keep.
    """
    n = _skip(lines, _end_of_marker(lines, cut), quoted=False)
    if n < len(lines) and lines[n].lstrip().startswith(">"):
        n = _skip(lines, n, quoted=True)
    elif n < len(lines) and _HEADER.match(lines[n]):
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
