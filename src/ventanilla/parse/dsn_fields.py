"""The machine-readable part of a delivery report: per-recipient fields (RFC 3464 §2.3).

Pure parsing over a stdlib ``Message``; ``dsn`` turns these records into a ``DsnReport``.
"""

from __future__ import annotations

from email.message import Message

from ventanilla.parse import dsn_text
from ventanilla.parse.dsn_text import STATUS_RE


def record_action(record: dict[str, str]) -> str:
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


def status_records(message: Message) -> list[dict[str, str]]:
    """Split the delivery-status text into one dict per recipient block."""
    records: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for name, value in _fields(report_text(message)):
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


def report_text(message: Message) -> str:
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
