"""Where a quote or a signature starts: the line rules of reply trimming.

Attribution lines ("El lun, 3 nov 2025 a las 10:02, Ana <ana@x.es> escribió:", "On ...
wrote:" and other languages), Outlook separators and header blocks, quotequail's reply and
forward patterns, and signatures (RFC 3676 §4.3 "-- ", mobile "Sent from my iPhone").
``quotes`` decides what to cut with them.

Every regex here is applied to single lines of bounded length and has no nested
quantifiers, so a hostile 1 MB body costs linear time.
"""

from __future__ import annotations

import re

import quotequail

# Marker lines (attribution, headers, signatures) are short; longer lines are skipped.
MAX_MARKER_LEN = 400
# quotequail's intro lines ("On ... wrote:") are shorter still; longer lines are not tried.
MAX_INTRO_LEN = 250
# A mobile signature ("Sent from my iPhone") is only cut this close to the end.
MAX_LINES_AFTER_SIGNATURE = 40

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
SEPARATOR = re.compile(
    r"^\s*\**(?:-{2,}\s*(?:Mensaje original|Original Message|Mensaje reenviado|"
    r"Forwarded message|Urspr[üu]ngliche Nachricht|Message d'origine)\s*-{2,}"
    r"|_{10,}|-{10,}|-{3,}[^-]{3,40}-{3,})\**\s*$",
    re.IGNORECASE,
)
_NAMED_SEPARATOR = re.compile(
    r"Mensaje original|Original Message|Mensaje reenviado|Forwarded message", re.IGNORECASE
)
# A header line of a quoted message, also when html_to_text wrapped the name in ** or _.
HEADER = re.compile(
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
DELIMITER_ONLY = re.compile(r"^[\s\-_=*#~+.ᐧ]*$")


def quotequail_position(lines: list[str]) -> int | None:
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
        match = HEADER.match(line)
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
    needed = 2 if SEPARATOR.match(previous) else 3
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


def attribution_at(lines: list[str], n: int) -> bool:
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


def own_position(lines: list[str]) -> int | None:
    """Line where one of our own quote markers starts, or None."""
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        if not line.lstrip().startswith(">") and attribution_at(lines, n):
            return n
        if SEPARATOR.match(line) and _followed_by_header(lines, n):
            return n
        if HEADER.match(line) and _is_header_block(lines, n):
            return _include_separator(lines, n)
    return None


def _followed_by_header(lines: list[str], n: int) -> bool:
    """Tell whether the separator at ``n`` introduces a message (a header or a named rule)."""
    if _NAMED_SEPARATOR.search(lines[n]):
        return True  # "-----Mensaje original-----" names itself
    following = [line for line in lines[n + 1 : n + 4] if line.strip()]
    return bool(following) and HEADER.match(following[0]) is not None


def _include_separator(lines: list[str], n: int) -> int:
    """Move a cut at a header block up to the separator line right above it, if any."""
    for k in range(n - 1, max(n - 3, -1), -1):
        if not lines[k].strip():
            continue
        return k if SEPARATOR.match(lines[k]) or DELIMITER_ONLY.match(lines[k]) else n
    return n


def is_signature(line: str, nonblank_after: int) -> bool:
    """Tell whether a signature starts at ``line`` (with ``nonblank_after`` lines after it)."""
    if _SIG_DELIMITER.match(line.rstrip("\n")):
        return True
    near_end = nonblank_after < MAX_LINES_AFTER_SIGNATURE
    return near_end and _MOBILE_SIGNATURE.match(line.strip()) is not None
