"""Delivery reports: RFC 3464 DSNs, other ``multipart/report`` kinds, and free-text bounces.

Pure parsing over a stdlib ``Message``: no database, no settings. ``classify`` answers
"is this a report about mail we sent, and what does it say?". A standard DSN
(``multipart/report; report-type=delivery-status``, RFC 3464/6522) is read field by field;
MTAs that still write prose (qmail, old Exim, Exchange NDRs, GroupWise...) are recognised
by sender, subject and wording, with the failed recipients picked out of the text.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import quopri
import re
from dataclasses import dataclass
from email.message import Message

FAILURE_ACTIONS = ("failed", "delayed")
_STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_ID_HEADER_RE = re.compile(
    r"^[ \t>]*(Message-ID|In-Reply-To|References)[ \t]*:[ \t]*((?:.*\n?(?:[ \t]+.*\n?)*))",
    re.IGNORECASE | re.MULTILINE,
)
_MSGID_RE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_MAX_TEXT = 60_000
_MDN_REJECTED_RE = re.compile(
    r"^Disposition:.*automatic-action.*;\s*(deleted|denied|failed)", re.IGNORECASE | re.MULTILINE
)

# --- Free-text bounces: who sends them, what they are called, how they read. ----------------
ADDRESS_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
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


def _clean_address(address: str) -> str:
    """Lowercase, without quoting debris or an X.400-style ``SMTP=`` prefix."""
    address = re.sub(r"^.*\b(smtp|rfc822)[=:]", "", address, flags=re.IGNORECASE)
    return address.strip(".'`=").lower()


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
            address = _clean_address(match.group(0))
            local = address.split("@")[0]
            before = line[: match.start()].rstrip()
            if before.endswith("<") and line[match.end() : match.end() + 1] == ">":
                before = before[:-1].rstrip()
            if (
                address in exclude
                or DAEMON_LOCAL_RE.match(local)
                or re.search(r"(^|[^a-z])(message-?id|msg-?id|id)\s*[:=]?$", before, re.I)
            ):
                continue
            found.append(address)
    return _unique(found)


@dataclass(frozen=True)
class DsnReport:
    """What a report says. ``report_type`` is the RFC 6522 report-type or ``free-text``."""

    report_type: str
    action: str = ""  # failed / delayed / delivered / relayed / expanded, or "" if unknown
    recipients: tuple[str, ...] = ()
    status: str = ""
    diagnostic: str = ""
    original_message_ids: tuple[str, ...] = ()

    @property
    def is_failure(self) -> bool:
        """True for a delivery failure or delay (a bounce); False for MDNs, ARF, successes."""
        return self.report_type in ("delivery-status", "free-text") and (
            self.action in FAILURE_ACTIONS
        )

    @property
    def permanent(self) -> bool:
        """True when delivery failed for good (RFC 3464 ``Action: failed``)."""
        return self.action == "failed"


def classify(message: Message) -> DsnReport | None:
    """Return what ``message`` reports about earlier mail, or None for ordinary mail."""
    report_type = _report_type(message)
    if report_type == "delivery-status":
        return _standard_dsn(message)
    if report_type == "disposition-notification" and _MDN_REJECTED_RE.search(_report_text(message)):
        # An MDN sent automatically with "deleted" (RFC 8098 §3.2.6): a sieve/vacation
        # filter refused the message, which for us is a failed delivery.
        return _standard_dsn(message, action="failed")
    if report_type:
        # MDNs (RFC 8098), ARF feedback (RFC 5965) and unknown report types: automatic
        # mail, but not a failed delivery of one of our recipients.
        return DsnReport(report_type=report_type, original_message_ids=_original_ids(message))
    return _free_text(message)


def is_hard(*, permanent: bool, status: str, diagnostic: str) -> bool:
    """True when the failed address itself is bad (unknown user/host, moved): stop mailing it.

    A permanent failure for other reasons (policy, spam filter, full mailbox) may succeed
    later, so only RFC 3463 addressing statuses (5.1.x) or their usual wording count.
    """
    if not permanent:
        return False
    quoted = _STATUS_RE.search(diagnostic)  # the remote server's own code is more specific
    code = quoted.group(0) if quoted else status
    if code in ("5.1.7", "5.1.8") or re.search(r"\bsender\b", diagnostic, re.IGNORECASE):
        return False  # RFC 3463: the problem is our sender address, not the recipient
    if code.startswith("5.1."):
        return True
    if code[2:3] not in ("", "0"):
        return False  # a specific non-addressing class: mailbox (5.2), policy (5.7)...
    return bool(_HARD_WORDING_RE.search(diagnostic))


_HARD_WORDING_RE = re.compile(
    r"user unknown|unknown user|no such (user|mailbox|recipient|address)|"
    r"(mailbox|user|recipient|address)( \S+)? (does not|doesn't) exist|"
    r"(recipient|address|user) (rejected|unknown|not found)|invalid (recipient|mailbox|address)|"
    r"not a valid (mailbox|recipient|user)|unknown (recipient|local.?part|address)|"
    r"mailbox (unavailable|not found)|host (not found|unknown)|domain (not found|does not exist)|"
    r"\bnxdomain\b|unrouteable|no mx|account (has been )?(disabled|removed|closed)",
    re.IGNORECASE,
)


def _report_type(message: Message) -> str:
    if message.get_content_type() == "multipart/report":
        declared = str(message.get_param("report-type", "") or "").strip().lower()
        if declared:
            return declared
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            return "delivery-status"
        if ctype == "message/feedback-report":
            return "feedback-report"
        if ctype in ("message/disposition-notification", "message/global-disposition-notification"):
            return "disposition-notification"
    return "delivery-status" if message.get_content_type() == "multipart/report" else ""


def _standard_dsn(message: Message, action: str = "") -> DsnReport:
    """Read the per-recipient fields of the delivery-status part (RFC 3464 §2.3)."""
    records = _status_records(message)
    if action:
        for record in records:
            record.setdefault("action", action)
    failing = [r for r in records if _record_action(r) in FAILURE_ACTIONS]
    actions = {_record_action(r) for r in records}
    human = _human_text(message)
    if "failed" in actions:
        action = "failed"
    elif "delayed" in actions:
        action = "delayed"
    elif actions - {""}:
        action = sorted(actions - {""})[0]
    else:  # fields missing or unreadable: judge by the prose
        action = "delayed" if WARNING_RE.search(human) else "failed"
    source = failing or records
    recipients = [r["recipient"] for r in source if r.get("recipient")]
    if not recipients and action in FAILURE_ACTIONS:
        recipients = text_recipients(cut_original(human), exclude=_own_addresses(message))
    status = next((r["status"] for r in source if r.get("status")), "") or _text_status(human)
    diagnostic = next((r["diagnostic"] for r in source if r.get("diagnostic")), "")
    return DsnReport(
        report_type="delivery-status",
        action=action,
        recipients=tuple(_unique(recipients)),
        status=status,
        diagnostic=diagnostic[:1000],
        original_message_ids=_original_ids(message),
    )


def _record_action(record: dict[str, str]) -> str:
    """Normalise one recipient's Action (RFC 3464 §2.3.3), tolerating what MTAs really write."""
    words = record.get("action", "").split()
    action = words[0] if words else ""
    if action.startswith("deliver"):  # "deliverable" is seen in the wild for "delivered"
        return "delivered"
    if action.startswith("fail"):  # "failure", "failed (bad destination mailbox)"
        return "failed"
    if action in ("delayed", "relayed", "expanded"):
        return action
    status = record.get("status", "")
    by_status = {"5": "failed", "4": "delayed", "2": "delivered"}.get(status[:1], "")
    # Anything else ("error", "expired", "bounced"...) reports a failure.
    return by_status or ("failed" if action else "")


def _status_records(message: Message) -> list[dict[str, str]]:
    """Split the delivery-status text into one dict per recipient block."""
    records: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for name, value in _fields(_report_text(message)):
        if name in ("final-recipient", "original-recipient"):
            if current is None or (name == "final-recipient" and current.get("final")):
                current = {}
                records.append(current)
            address = ADDRESS_RE.search(value.split(";", 1)[-1])
            # The Original-Recipient is the address we wrote to (RFC 3464 §2.3.1): prefer it.
            if address and (name == "original-recipient" or "recipient" not in current):
                current["recipient"] = _clean_address(address.group(0))
            if name == "final-recipient":
                current["final"] = "1"
        elif current is not None and name in ("action", "status", "diagnostic-code"):
            current.update(_field_value(name, value))
    return records


def _field_value(name: str, value: str) -> dict[str, str]:
    """One per-recipient field, normalised: status code only, diagnostic without its type."""
    if name == "status":
        match = _STATUS_RE.search(value)
        return {"status": match.group(0) if match else ""}
    if name == "diagnostic-code":  # "smtp; 550 5.1.1 ..." (RFC 3464 §2.3.6)
        return {"diagnostic": value.split(";", 1)[-1].strip()[:1000]}
    return {"action": value.strip().lower()}


def _report_text(message: Message) -> str:
    """The machine-readable part(s) of a report: delivery-status or disposition fields."""
    return "\n".join(
        _part_text(part)
        for part in message.walk()
        if part.get_content_type().startswith("message/")
        and part.get_content_type().endswith(("delivery-status", "disposition-notification"))
    )


def _fields(text: str) -> list[tuple[str, str]]:
    """Parse ``Name: value`` lines with RFC 5322 continuation lines folded in."""
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.strip()}")
        elif ":" in line:
            name, value = line.split(":", 1)
            fields.append((name.strip().lower(), value.strip()))
    return fields


def _part_text(part: Message) -> str:
    """Return a part's content as text, whatever shape the parser gave it."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                blocks.append("\n".join(f"{k}: {v}" for k, v in block.items()))
                blocks.append(_part_text(block) if not block.is_multipart() else "")
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


def _human_text(message: Message) -> str:
    """The notification's own prose: text parts outside any returned original."""
    chunks: list[str] = []
    _collect_text(message, chunks)
    return "\n".join(chunks)[:_MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


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
        text = _part_text(part)
        chunks.append(_html_text(text) if ctype == "text/html" else text)


def _html_text(markup: str) -> str:
    """Rough text of an HTML notice: line breaks kept, tags dropped, entities decoded."""
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\xa0", " ")


def _free_text(message: Message) -> DsnReport | None:
    """Recognise a prose bounce by who sent it, its subject and its wording."""
    subject = _header(message, "Subject")
    human = _human_text(message)
    head = human[:8000]
    daemon = _is_daemon(message)
    subject_hit = bool(SUBJECT_RE.search(subject)) and not _is_forward(subject)
    body_hit = any(marker.search(head) for marker in BODY_MARKERS)
    null_path = _header(message, "Return-Path").strip() in ("<>", "")
    null_path = null_path and "return-path" in (k.lower() for k in message)
    # A person may write "Mail delivery failed" about a problem, in words like these: without
    # a robot sender, the notice must also be automatic or carry the returned message.
    automatic = (
        _has_original(message)
        or bool(_header(message, "Auto-Submitted").strip())
        or _header(message, "Precedence").strip().lower() in ("bulk", "junk")
        or _ORIGINAL_RE.search(human) is not None  # the returned message, quoted inline
    )
    if not (
        ((daemon or null_path) and (subject_hit or body_hit))
        or (subject_hit and body_hit and (automatic or _MTA_SIGNATURE_RE.search(head)))
        or (daemon and _has_original(message))
    ):
        return None
    notice = cut_original(human)
    delayed = WARNING_RE.search(subject) or WARNING_RE.search(notice[:8000])
    return DsnReport(
        report_type="free-text",
        action="delayed" if delayed else "failed",
        recipients=tuple(text_recipients(notice, exclude=_own_addresses(message))),
        status=_text_status(notice),
        diagnostic=_diagnostic(notice),
        original_message_ids=_original_ids(message),
    )


def _is_forward(subject: str) -> bool:
    return bool(re.match(r"\s*(fwd?|tr|wg|rv|re|aw|rif|sv)\s*:", subject, re.IGNORECASE))


def _is_daemon(message: Message) -> bool:
    # The raw value too: a malformed From may parse to nothing useful ("<>").
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == "from"), "")
    sender = f"{_header(message, 'From')} {raw}"
    match = ADDRESS_RE.search(sender)
    local = match.group(0).split("@")[0].lower() if match else sender.strip().lower()
    return bool(DAEMON_LOCAL_RE.match(local) or DAEMON_NAME_RE.search(sender))


def _has_original(message: Message) -> bool:
    return any(
        p.get_content_type() in ("message/rfc822", "text/rfc822-headers") for p in message.walk()
    )


def _text_status(text: str) -> str:
    match = _STATUS_RE.search(text)
    return match.group(0) if match and match.group(1) != "2" else ""


def _diagnostic(notice: str) -> str:
    """The first line that reads like an SMTP error (``550 5.1.1 ...``) or a reason."""
    lines = [line.strip() for line in notice.splitlines()]
    for line in lines:
        if re.match(r"^([45]\d\d\b|.*\b[45]\.\d{1,3}\.\d{1,3}\b)", line):
            return line[:1000]
    return next((line[:1000] for line in lines if _HARD_WORDING_RE.search(line)), "")


def _own_addresses(message: Message) -> set[str]:
    """Addresses of the report's own sender and addressees: never the failed recipient."""
    found: set[str] = set()
    for name in ("From", "To", "Cc", "Reply-To", "Sender", "Return-Path"):
        found.update(a.lower() for a in ADDRESS_RE.findall(_header(message, name)))
    return found


def _original_ids(message: Message) -> tuple[str, ...]:
    """Message-ID, In-Reply-To and References of the returned original, in that order."""
    ids: list[str] = []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global") and part.is_multipart():
            inner = part.get_payload(0)
            if isinstance(inner, Message):
                ids += _ids_from_headers(inner)
        elif ctype == "text/rfc822-headers":
            parser = email.parser.HeaderParser(policy=email.policy.compat32)
            ids += _ids_from_headers(parser.parsestr(_part_text(part).lstrip()))
    if not ids:
        ids = _ids_from_text(_quoted_text(message))
    own = _header(message, "Message-ID").strip().strip("<>")
    return tuple(i for i in _unique(ids) if i != own)


def _ids_from_headers(headers: Message) -> list[str]:
    ids: list[str] = []
    for name in ("Message-ID", "In-Reply-To", "References"):
        value = _header(headers, name)
        found = _MSGID_RE.findall(value)
        ids += reversed(found) if name == "References" else found
    return ids


def _ids_from_text(text: str) -> list[str]:
    """Message-IDs of an original quoted in the prose (qmail and others inline it)."""
    by_name: dict[str, list[str]] = {}
    for match in _ID_HEADER_RE.finditer(text):
        by_name.setdefault(match.group(1).lower(), []).extend(_MSGID_RE.findall(match.group(2)))
    refs = list(reversed(by_name.get("references", [])))
    return [*by_name.get("message-id", []), *by_name.get("in-reply-to", []), *refs]


def _quoted_text(message: Message) -> str:
    chunks = [_part_text(p) for p in message.walk() if p.get_content_maintype() == "text"]
    return "\n".join(chunks)[:_MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header must not stop classification
        return ""
    return "" if value is None else str(value)


def _unique(items: list[str]) -> list[str]:
    """``items`` without blanks and repeats, in first-seen order."""
    return list(dict.fromkeys(i for i in items if i))
