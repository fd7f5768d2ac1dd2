"""Delivery reports: RFC 3464 DSNs, other ``multipart/report`` kinds, and free-text bounces.

Pure parsing over a stdlib ``Message``: no database, no settings. ``classify`` answers
"is this a report about mail we sent, and what does it say?". A standard DSN
(``multipart/report; report-type=delivery-status``, RFC 3464/6522) is read field by field
here; MTAs that still write prose (qmail, old Exim, Exchange NDRs, GroupWise...) are
recognised by ``dsn_text``, with the failed recipients picked out of the text.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from ventanilla.parse import dsn_text
from ventanilla.parse.dsn_text import STATUS_RE, header, unique

FAILURE_ACTIONS = ("failed", "delayed")
_ID_HEADER_RE = re.compile(
    r"^[ \t>]*(Message-ID|In-Reply-To|References)[ \t]*:[ \t]*((?:.*\n?(?:[ \t]+.*\n?)*))",
    re.IGNORECASE | re.MULTILINE,
)
_MSGID_RE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_MDN_REJECTED_RE = re.compile(
    r"^Disposition:.*automatic-action.*;\s*(deleted|denied|failed)", re.IGNORECASE | re.MULTILINE
)
# Wording of a failure of the address itself (unknown user or host), RFC 3463 5.1.x in words.
_HARD_WORDING_RE = re.compile(
    r"user unknown|unknown user|no such (user|mailbox|recipient|address)|"
    r"(mailbox|user|recipient|address)( \S+)? (does not|doesn't) exist|"
    r"(recipient|address|user) (rejected|unknown|not found)|invalid (recipient|mailbox|address)|"
    r"not a valid (mailbox|recipient|user)|unknown (recipient|local.?part|address)|"
    r"mailbox (unavailable|not found)|host (not found|unknown)|domain (not found|does not exist)|"
    r"\bnxdomain\b|unrouteable|no mx|account (has been )?(disabled|removed|closed)",
    re.IGNORECASE,
)
_REPORT_WORD_RE = re.compile(r"report|delivery-status|disposition-notification", re.IGNORECASE)
# The report-type that a part of each content type carries (RFC 3464, 5965, 6533, 8098).
_REPORT_PARTS = {
    "message/delivery-status": "delivery-status",
    "message/global-delivery-status": "delivery-status",
    "message/feedback-report": "feedback-report",
    "message/disposition-notification": "disposition-notification",
    "message/global-disposition-notification": "disposition-notification",
}


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
    prose = dsn_text.free_text(message)
    if prose is None:
        return None
    notice = prose.notice
    recipients = dsn_text.text_recipients(notice, exclude=dsn_text.own_addresses(message))
    return DsnReport(
        report_type="free-text",
        action=prose.action,
        recipients=tuple(recipients),
        status=dsn_text.text_status(notice),
        diagnostic=_diagnostic(notice),
        original_message_ids=_original_ids(message),
    )


def is_hard(*, permanent: bool, status: str, diagnostic: str) -> bool:
    """True when the failed address itself is bad (unknown user/host, moved): stop mailing it.

    A permanent failure for other reasons (policy, spam filter, full mailbox) may succeed
    later, so only RFC 3463 addressing statuses (5.1.x) or their usual wording count.
    """
    if not permanent:
        return False
    quoted = STATUS_RE.search(diagnostic)  # the remote server's own code is more specific
    code = quoted.group(0) if quoted else status
    if code in ("5.1.7", "5.1.8") or re.search(r"\bsender\b", diagnostic, re.IGNORECASE):
        return False  # RFC 3463: the problem is our sender address, not the recipient
    if code.startswith("5.1."):
        return True
    if code[2:3] not in ("", "0"):
        return False  # a specific non-addressing class: mailbox (5.2), policy (5.7)...
    return bool(_HARD_WORDING_RE.search(diagnostic))


def _report_type(message: Message) -> str:
    """The RFC 6522 report-type of ``message``, or "" when it is no report."""
    if not _names_a_report(message):
        return ""
    top = message.get_content_type()
    if top == "multipart/report":
        declared = str(message.get_param("report-type", "") or "").strip().lower()
        if declared:
            return declared
    for part in message.walk():
        found = _REPORT_PARTS.get(part.get_content_type())
        if found:
            return found
    return "delivery-status" if top == "multipart/report" else ""


def _names_a_report(message: Message) -> bool:
    """True when some raw Content-Type header might name a report type (cheap pre-check).

    Read on the unparsed header text: with ``policy.default`` every ``get_content_type``
    parses the header anew, the main cost of classifying ordinary mail. Every type that
    ``_report_type`` looks for contains one of these words, so nothing is missed.
    """
    return any(
        name.lower() == "content-type" and _REPORT_WORD_RE.search(str(value))
        for part in message.walk()
        for name, value in part.raw_items()
    )


def _standard_dsn(message: Message, action: str = "") -> DsnReport:
    """Read the per-recipient fields of the delivery-status part (RFC 3464 §2.3)."""
    records = _status_records(message)
    if action:
        for record in records:
            record.setdefault("action", action)
    failing = [r for r in records if _record_action(r) in FAILURE_ACTIONS]
    actions = {_record_action(r) for r in records}
    human = dsn_text.human_text(message)
    if "failed" in actions:
        action = "failed"
    elif "delayed" in actions:
        action = "delayed"
    elif actions - {""}:
        action = sorted(actions - {""})[0]
    else:  # fields missing or unreadable: judge by the prose
        action = "delayed" if dsn_text.WARNING_RE.search(human) else "failed"
    source = failing or records
    recipients = [r["recipient"] for r in source if r.get("recipient")]
    if not recipients and action in FAILURE_ACTIONS:
        recipients = dsn_text.text_recipients(
            dsn_text.cut_original(human), exclude=dsn_text.own_addresses(message)
        )
    status = next((r["status"] for r in source if r.get("status")), "") or dsn_text.text_status(
        human
    )
    diagnostic = next((r["diagnostic"] for r in source if r.get("diagnostic")), "")
    return DsnReport(
        report_type="delivery-status",
        action=action,
        recipients=tuple(unique(recipients)),
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
            address = dsn_text.ADDRESS_RE.search(value.split(";", 1)[-1])
            # The Original-Recipient is the address we wrote to (RFC 3464 §2.3.1): prefer it.
            if address and (name == "original-recipient" or "recipient" not in current):
                current["recipient"] = dsn_text.clean_address(address.group(0))
            if name == "final-recipient":
                current["final"] = "1"
        elif current is not None and name in ("action", "status", "diagnostic-code"):
            current.update(_field_value(name, value))
    return records


def _field_value(name: str, value: str) -> dict[str, str]:
    """One per-recipient field, normalised: status code only, diagnostic without its type."""
    if name == "status":
        match = STATUS_RE.search(value)
        return {"status": match.group(0) if match else ""}
    if name == "diagnostic-code":  # "smtp; 550 5.1.1 ..." (RFC 3464 §2.3.6)
        return {"diagnostic": value.split(";", 1)[-1].strip()[:1000]}
    return {"action": value.strip().lower()}


def _report_text(message: Message) -> str:
    """The machine-readable part(s) of a report: delivery-status or disposition fields."""
    return "\n".join(
        dsn_text.part_text(part)
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
            ids += _ids_from_headers(parser.parsestr(dsn_text.part_text(part).lstrip()))
    if not ids:
        ids = _ids_from_text(_quoted_text(message))
    own = header(message, "Message-ID").strip().strip("<>")
    return tuple(i for i in unique(ids) if i != own)


def _ids_from_headers(headers: Message) -> list[str]:
    ids: list[str] = []
    for name in ("Message-ID", "In-Reply-To", "References"):
        found = _MSGID_RE.findall(header(headers, name))
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
    chunks = [dsn_text.part_text(p) for p in message.walk() if p.get_content_maintype() == "text"]
    return "\n".join(chunks)[: dsn_text.MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


def _diagnostic(notice: str) -> str:
    """The first line that reads like an SMTP error (``550 5.1.1 ...``) or a reason."""
    lines = [line.strip() for line in notice.splitlines()]
    for line in lines:
        if re.match(r"^([45]\d\d\b|.*\b[45]\.\d{1,3}\.\d{1,3}\b)", line):
            return line[:1000]
    return next((line[:1000] for line in lines if _HARD_WORDING_RE.search(line)), "")
