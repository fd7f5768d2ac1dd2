"""Delivery reports: RFC 3464 DSNs, other ``multipart/report`` kinds, and free-text bounces.

Pure parsing over a stdlib ``Message``: no database, no settings. ``classify`` answers
"is this a report about mail we sent, and what does it say?". A standard DSN
(``multipart/report; report-type=delivery-status``, RFC 3464/6522) is read field by field
here; MTAs that still write prose (qmail, old Exim, Exchange NDRs, GroupWise...) are
recognised by ``dsn_text``, with the failed recipients picked out of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from ventanilla.parse import dsn_text
from ventanilla.parse.dsn_fields import record_action, report_text, status_records
from ventanilla.parse.dsn_originals import original_ids
from ventanilla.parse.dsn_text import STATUS_RE, unique

FAILURE_ACTIONS = ("failed", "delayed")
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
    if report_type == "disposition-notification" and _MDN_REJECTED_RE.search(report_text(message)):
        # An MDN sent automatically with "deleted" (RFC 8098 §3.2.6): a sieve/vacation
        # filter refused the message, which for us is a failed delivery.
        return _standard_dsn(message, action="failed")
    if report_type:
        # MDNs (RFC 8098), ARF feedback (RFC 5965) and unknown report types: automatic
        # mail, but not a failed delivery of one of our recipients.
        return DsnReport(report_type=report_type, original_message_ids=original_ids(message))
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
        original_message_ids=original_ids(message),
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
    records = status_records(message)
    if action:
        for record in records:
            record.setdefault("action", action)
    failing = [r for r in records if record_action(r) in FAILURE_ACTIONS]
    actions = {record_action(r) for r in records}
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
        original_message_ids=original_ids(message),
    )


def _diagnostic(notice: str) -> str:
    """The first line that reads like an SMTP error (``550 5.1.1 ...``) or a reason."""
    lines = [line.strip() for line in notice.splitlines()]
    for line in lines:
        if re.match(r"^([45]\d\d\b|.*\b[45]\.\d{1,3}\.\d{1,3}\b)", line):
            return line[:1000]
    return next((line[:1000] for line in lines if _HARD_WORDING_RE.search(line)), "")
