"""Prose bounces: the notices of MTAs that write no RFC 3464 fields (qmail, old Exim, Exchange...).

Also the text helpers that ``dsn`` shares: a part's content as text, the notice's own prose
without the returned original, and the addresses named in it. Pure parsing over a stdlib
``Message``: no database, no settings.
"""

from __future__ import annotations

import html
import quopri
import re
from dataclasses import dataclass
from email.message import Message

STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")  # RFC 3463 codes
ADDRESS_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
MAX_TEXT = 60_000
DAEMON_LOCAL_RE = re.compile(
    r"^(mailer[-_.]?daemon|mail[-_.]?daemon|mdaemon|postmaster|mail[-_.]?delivery[-_.]?(system|"
    r"subsystem)|mailadmin|mail[-_.]?administrator|smtp[-_.]?gateway|bounce[sd]?|nobody)\b",
    re.IGNORECASE,
)
DAEMON_NAME_RE = re.compile(
    r"mail delivery (system|subsystem|service)|mailer[-_ ]daemon|postmaster|"
    r"(mail|system) administrator|mail (system|router|delivery)",
    re.IGNORECASE,
)
# RFC 3464 does not fix a subject; these are what MTAs in the wild write (en, es, fr, de, it...).
SUBJECT_RE = re.compile(
    r"undeliver(ed|able)|returned mail|returning message|mail delivery (failed|failure|problem)|"
    r"delivery (status notification|failure|failed|report|problem|notification)|"
    r"failure notice|(failed|failure|error) (mail|delivery)|mail (could not|not) (be )?delivered|"
    r"non[- ]?deliver|delivery has failed|message not delivered|could not (be )?deliver|"
    r"delivery (delayed|warning)|delayed mail|warning: could not send|permanent delivery failure|"
    r"no se (puede|pudo) entregar|no entregad|notificaci[oó]n de estado de (la )?entrega|"
    r"non remis|non recapitabile|unzustellbar|nicht zustellbar|onbestelbaar|niedostarczon|"
    r"mail system error|processing error|mail failed|rejected mail|unable to deliver|"
    r"mail failure|not (yet )?been delivered|エラー通知",
    re.IGNORECASE,
)
BODY_MARKERS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"this is the qmail-send program",  # qmail
        r"created automatically by mail delivery software",  # Exim
        r"this is the mail ?system at host",  # Postfix
        r"could not be delivered to (one or more|the following|some|all)",
        r"(message|mail) (could not|cannot|can't|was not|wasn't|has not been) (be )?deliver",
        r"delivery (to the following recipients?|has failed|failed|problems?)",
        r"(permanent|fatal) (delivery )?errors?|permanently failed|failed permanently",
        r"did not reach (the following|some or all)|undeliverable|unable to deliver",
        r"the following address(es)? (had|failed|did not)|transcript of session follows",
        r"the original message was received at|user unknown|no such user|"
        r"unknown (user|recipient)|mailbox (unavailable|is full|not found)|over quota",
        r"delivery (status notification|has been delayed|is delayed)|still undelivered|"
        r"(will|shall) (continue|keep) (trying|to try|retrying)|(has|have) not (yet )?been deliv",
        r"a message that you sent|(was|wasn't|were) not able to deliver|automatically rejected",
        r"no se (ha )?(pudo|puede) entregar|n'a pas pu [eê]tre (delivr|remis)",
        r"nicht zugestellt|kann nicht zugestellt|non (è|e') stato (possibile )?consegn",
    )
)
# Openings that only MTAs write (qmail, Exim, Postfix, Sendmail, Exchange).
_MTA_SIGNATURE_RE = re.compile(
    r"this is the qmail-send program|created automatically by mail delivery software|"
    r"this is the mail ?system at host|the original message was received at|"
    r"transcript of session follows|delivery has failed to these recipients|"
    r"diagnostic information for administrators|this is an automatically generated delivery",
    re.IGNORECASE,
)
# A delay notice (RFC 3464 "Action: delayed"): the MTA is still trying.
WARNING_RE = re.compile(
    r"\bdelay(ed)?\b|still (undelivered|not delivered)|not (yet )?been delivered yet|"
    r"(will|shall) (continue|keep) (to )?(try|trying|retry|attempt)|attempts will continue|"
    r"will be retried|warning message only|"
    r"this is (only )?a warning|do not need to resend|temporar(y|ily) (failure|problem|error)|"
    r"no action is required|retrying|advertencia|retrasad|aviso de retraso",
    re.IGNORECASE,
)
# Where the notice stops and the copy of the original message begins.
_ORIGINAL_RE = re.compile(
    r"^[ \t|>*=-]*(-{2,}|={2,}|\*{2,})?[ \t]*(original message|this is a copy|below this line|"
    r"returned (mail|message)|the header of the original|unsent message|headers of the original|"
    r"message text follows|your message reads|original message (as received )?(is|follows)|"
    r"the (text|headers?) of (your|the) (original )?message)"
    r"|^(received|return-path|dkim-signature|x-original-to|message-id): ",
    re.IGNORECASE | re.MULTILINE,
)
# Addresses that are never the failed recipient, and lines that name other things.
_HEADER_NAMES = (
    r"from|sender|reply-to|return-path|message-id|in-reply-to|references|reporting-mta|"
    r"received|by|id|x-[\w-]+"
)
_OTHER_HEADER_LINE_RE = re.compile(rf"^\s*(>?\s*)?({_HEADER_NAMES})\s*:", re.IGNORECASE)
_NOT_RECIPIENT_LINE_RE = re.compile(rf"^\s*(>?\s*)?({_HEADER_NAMES}|to|cc)\s*:", re.IGNORECASE)
_FORWARD_RE = re.compile(r"\s*(fwd?|tr|wg|rv|re|aw|rif|sv)\s*:", re.IGNORECASE)
_ID_BEFORE_RE = re.compile(r"(^|[^a-z])(message-?id|msg-?id|id)\s*[:=]?$", re.IGNORECASE)
_ORIGINAL_TYPES = ("message/rfc822", "text/rfc822-headers")


@dataclass(frozen=True)
class ProseNotice:
    """A recognised prose bounce: ``failed`` or ``delayed``, and the notice's own text."""

    action: str
    notice: str  # without the copy of the returned original


def free_text(message: Message) -> ProseNotice | None:
    """Recognise a prose bounce by who sent it, its subject and its wording, or None."""
    subject = header(message, "Subject")
    daemon = _is_daemon(message)
    robot = daemon or _null_return_path(message)
    subject_hit = bool(SUBJECT_RE.search(subject)) and not _FORWARD_RE.match(subject)
    # Every verdict of _reads_like_bounce needs a robot sender or a bounce subject: checking
    # these headers first spares ordinary mail the text extraction, the costly part.
    if not (robot or subject_hit):
        return None
    human = human_text(message)
    if not _reads_like_bounce(message, human, daemon=daemon, robot=robot, subject_hit=subject_hit):
        return None
    notice = cut_original(human)
    delayed = WARNING_RE.search(subject) or WARNING_RE.search(notice[:8000])
    return ProseNotice(action="delayed" if delayed else "failed", notice=notice)


def _reads_like_bounce(
    message: Message, human: str, *, daemon: bool, robot: bool, subject_hit: bool
) -> bool:
    """Decide from the sender (``robot``: a daemon or a null Return-Path) and the wording."""
    body_hit = any(marker.search(human[:8000]) for marker in BODY_MARKERS)
    if robot and (subject_hit or body_hit):
        return True
    has_original = any(p.get_content_type() in _ORIGINAL_TYPES for p in message.walk())
    if daemon and has_original:
        return True
    # A person may write "Mail delivery failed" about a problem, in words like these: without
    # a robot sender, the notice must also be automatic or carry the returned message.
    return subject_hit and body_hit and _automatic(message, human, has_original)


def _automatic(message: Message, human: str, has_original: bool) -> bool:
    """True when the notice was written by a program or carries the returned message."""
    return (
        has_original
        or bool(header(message, "Auto-Submitted").strip())
        or header(message, "Precedence").strip().lower() in ("bulk", "junk")
        or _ORIGINAL_RE.search(human) is not None  # the returned message, quoted inline
        or _MTA_SIGNATURE_RE.search(human[:8000]) is not None
    )


def _null_return_path(message: Message) -> bool:
    """True for ``Return-Path: <>`` (RFC 5321 §4.5.5: the null sender of bounces)."""
    if "return-path" not in (k.lower() for k in message):
        return False
    return header(message, "Return-Path").strip() in ("<>", "")


def _is_daemon(message: Message) -> bool:
    # The raw value too: a malformed From may parse to nothing useful ("<>").
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == "from"), "")
    sender = f"{header(message, 'From')} {raw}"
    match = ADDRESS_RE.search(sender)
    local = match.group(0).split("@")[0].lower() if match else sender.strip().lower()
    return bool(DAEMON_LOCAL_RE.match(local) or DAEMON_NAME_RE.search(sender))


def cut_original(text: str) -> str:
    """Return the notice part of a bounce's prose, without the copy of the original."""
    match = _ORIGINAL_RE.search(text)
    return text[: match.start()] if match else text


def text_recipients(notice: str, *, exclude: set[str]) -> list[str]:
    """Best-effort failed recipients of a prose bounce: addresses in the notice itself.

    Skipped: the report's own From/To (the daemon and us), daemon-like addresses, lines
    that are headers of something else, and Message-IDs (they look like addresses).
    ``To:``/``Cc:`` lines summarise the original message: used only if nothing else is found.
    """
    return _notice_addresses(notice, exclude, _NOT_RECIPIENT_LINE_RE) or _notice_addresses(
        notice, exclude, _OTHER_HEADER_LINE_RE
    )


def _notice_addresses(notice: str, exclude: set[str], skip: re.Pattern[str]) -> list[str]:
    found: list[str] = []
    for line in notice.splitlines():
        if skip.match(line):
            continue
        for match in ADDRESS_RE.finditer(line):
            address = clean_address(match.group(0))
            before = line[: match.start()].rstrip()
            if before.endswith("<") and line[match.end() : match.end() + 1] == ">":
                before = before[:-1].rstrip()
            if (
                address in exclude
                or DAEMON_LOCAL_RE.match(address.split("@")[0])
                or _ID_BEFORE_RE.search(before)
            ):
                continue
            found.append(address)
    return unique(found)


def clean_address(address: str) -> str:
    """Lowercase, without quoting debris or an X.400-style ``SMTP=`` prefix."""
    address = re.sub(r"^.*\b(smtp|rfc822)[=:]", "", address, flags=re.IGNORECASE)
    return address.strip(".'`=").lower()


def text_status(text: str) -> str:
    """The first RFC 3463 failure status (4.x.x or 5.x.x) written in ``text``, or ""."""
    match = STATUS_RE.search(text)
    return match.group(0) if match and match.group(1) != "2" else ""


def own_addresses(message: Message) -> set[str]:
    """Addresses of the report's own sender and addressees: never the failed recipient."""
    found: set[str] = set()
    for name in ("From", "To", "Cc", "Reply-To", "Sender", "Return-Path"):
        found.update(a.lower() for a in ADDRESS_RE.findall(header(message, name)))
    return found


def human_text(message: Message) -> str:
    """The notification's own prose: text parts outside any returned original."""
    chunks: list[str] = []
    _collect_text(message, chunks)
    return "\n".join(chunks)[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


def _collect_text(part: Message, chunks: list[str]) -> None:
    ctype = part.get_content_type()
    if ctype in ("message/rfc822", "text/rfc822-headers", "message/global") or (
        ctype.startswith("message/") and ctype.endswith("status")
    ):
        return
    if part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _collect_text(sub, chunks)
        return
    if ctype == "text/plain" or (ctype == "text/html" and not chunks):
        text = part_text(part)
        chunks.append(_html_text(text) if ctype == "text/html" else text)


def _html_text(markup: str) -> str:
    """Rough text of an HTML notice: line breaks kept, tags dropped, entities decoded."""
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\xa0", " ")


def part_text(part: Message) -> str:
    """Return a part's content as text, whatever shape the parser gave it."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                blocks.append("\n".join(f"{k}: {v}" for k, v in block.items()))
                blocks.append(part_text(block) if not block.is_multipart() else "")
        return "\n\n".join(blocks)
    raw = _qp_bare_cr(part) or part.get_payload(decode=True)
    if isinstance(raw, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return raw.decode(charset, errors="replace")
        except LookupError:
            return raw.decode("utf-8", errors="replace")
    return str(payload)


def _qp_bare_cr(part: Message) -> bytes | None:
    """Decode quoted-printable written with bare CR line ends (old Mac MTAs), or None.

    The stdlib decoder does not see ``=\\r`` as a soft line break and loses the rest.
    """
    encoded = part.get_payload(decode=False)
    cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if cte != "quoted-printable" or not isinstance(encoded, str) or "\r" not in encoded:
        return None
    normalised = encoded.replace("\r\n", "\n").replace("\r", "\n")
    return quopri.decodestring(normalised.encode("utf-8", "surrogateescape"))


def header(message: Message, name: str) -> str:
    """Return the first ``name`` header as str, or "" (a malformed one never raises)."""
    try:
        value = message.get(name)
    except Exception:  # a malformed header must not stop classification
        return ""
    return "" if value is None else str(value)


def unique(items: list[str]) -> list[str]:
    """``items`` without blanks and repeats, in first-seen order."""
    return list(dict.fromkeys(i for i in items if i))
