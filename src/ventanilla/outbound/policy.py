"""Who may receive our automatic mail: the one place every kind of mail and step asks.

RFC 3834 §2: never answer automatic mail, never take part in a loop. Like Mailman's
replybot we stay silent towards:

- addresses nobody reads (no-reply, daemons, bounces: `is_robot_address`) and the null
  reverse-path (`is_null_sender`); the inbound ``robot-sender`` rule asks `robot_sender`;
- our own mailboxes (a loop), and addresses that cannot be written at all
  (`recipient_refusal`);
- lists, loops and automatic mail, which the inbound rules name (their names arrive here
  as ``found``), imports, and possible spoofs (`ack_refusals`);
- a portal sign-in link to any of those (`portal_signin_refusals`);
- a customer over the acknowledgement limit of the mailbox (`ack_rate_limited`), who is then
  flagged once (`flood_verdict`).

Refusals are short codes ("own-address", "rate-limit"...) recorded in the ticket's audit
rows by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext

from ventanilla.customers.models import Customer
from ventanilla.mail.models import Mailbox, OutboundKind, OutboundMessage
from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.outbound.addresses import address_problem, parse_address

RATE_LIMIT = "rate-limit"

# Local parts that by convention nobody reads; suffixes such as "noreply-billing" or the
# VERP form "bounces+tag" count too.
_ROBOT_LOCAL_RE = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply|mailer[-_.]?daemon|postmaster|"
    r"bounces?|notifications?|daemon)([-_.+].*)?$",
    re.IGNORECASE,
)


def is_robot_address(address: str) -> bool:
    """True when the local part of ``address`` is a no-reply or system one."""
    local = address.strip().strip("<>").rsplit("@", 1)[0]
    return bool(local) and bool(_ROBOT_LOCAL_RE.match(local))


def is_null_sender(*, envelope_from: str, return_paths: Iterable[str]) -> bool:
    """True for the null reverse-path ``<>`` (RFC 5321 §4.5.5: never reply to it).

    ``envelope_from`` is "" when the edge did not know the sender, and "<>" when the
    sender was null, so only the latter counts; so does a ``Return-Path: <>`` header.
    """
    if envelope_from.strip() == "<>":
        return True
    return any(value.strip() == "<>" for value in return_paths)


def robot_sender(*, sender: str, envelope_from: str, return_paths: Iterable[str]) -> str:
    """Return why mail from this sender must not be answered ("" when it may be)."""
    if sender and is_robot_address(sender):
        return f"robot sender: {sender}"
    if is_null_sender(envelope_from=envelope_from, return_paths=return_paths):
        return "null envelope sender <>"
    return ""


def recipient_refusal(address: str) -> str:
    """Return why ``address`` may get no mail of ours: missing, unwritable or our own ("")."""
    recipient = address.strip().lower()
    if not recipient or "@" not in recipient:
        return "no-recipient"
    if address_problem(recipient):
        return "bad-recipient"
    if recipient in mailbox_addresses():
        return "own-address"
    return ""


def ack_rate_limited(*, mailbox: Mailbox, email: str) -> bool:
    """Return True when ``email`` already got ``ack_limit`` acks within the window.

    Counted through the ticket's customer (the ack always goes to the customer), and works
    the same on SQLite, which has no JSON ``contains`` lookup for ``recipients``. The cost
    is that customer's tickets, never all recent acks: the customer by his unique address,
    his tickets by their foreign key, and per ticket one probe of the covering index
    ``outbound_ticket_kind``. Written as ``ticket IN (subquery)`` because a join lets a
    planner without statistics (a fresh SQLite file, an import) scan every ack of the
    window through ``(kind, created_at)`` for each new ticket: quadratic in a burst.
    """
    since = timezone.now() - timedelta(minutes=mailbox.ack_window_minutes)
    tickets = Customer.objects.filter(email=email.strip().lower()).values("tickets")
    sent = OutboundMessage.objects.filter(
        ticket__in=tickets, kind=OutboundKind.ACK, mailbox=mailbox, created_at__gte=since
    ).count()
    return sent >= mailbox.ack_limit


def ack_refusals(
    *,
    mailbox: Mailbox,
    recipient: str,
    found: Sequence[str] = (),
    imported: bool = False,
    possible_spoof: bool = False,
) -> list[str]:
    """Return why a new ticket must not be acknowledged to ``recipient`` (empty: it may be).

    ``found`` are the names of the inbound rules that already said no (lists, loops,
    automatic mail, robots); ``imported`` mail is history, never acknowledged.
    """
    reasons = list(found)
    if imported:
        reasons.append("import")
    if not mailbox.ack_enabled:
        reasons.append("ack-disabled")
    if possible_spoof:
        reasons.append("possible-spoof")
    refusal = recipient_refusal(recipient)
    if refusal:
        reasons.append(refusal)
    # Counting costs a query: only when nothing else already says no.
    if not reasons and ack_rate_limited(mailbox=mailbox, email=recipient.strip().lower()):
        reasons.append(RATE_LIMIT)
    return reasons


def resolution_refusals(*, recipient: str) -> list[str]:
    """Return why the resolution notice must not go to the customer ``recipient``.

    A spoof suspicion does not stop it: it goes to our own customer record, not to whoever
    wrote the mail.
    """
    refusal = recipient_refusal(recipient)
    if refusal:
        return [refusal]
    if is_robot_address(recipient.strip().lower()):
        return ["robot-recipient"]
    return []


def portal_signin_refusals(*, recipient: str) -> list[str]:
    """Return why a portal sign-in link must not be mailed to ``recipient`` (empty: it may).

    The customer asked for it, but the address is one we only know from mail we received:
    never one of our own mailboxes (a loop), an unwritable one or a no-reply/system address.
    How often one address or one client may ask is the portal's limit, counted before this.
    """
    refusal = recipient_refusal(recipient)
    if refusal:
        return [refusal]
    if is_robot_address(recipient.strip().lower()):
        return ["robot-recipient"]
    return []


def copy_recipients(*, candidates: Iterable[str], customer_email: str) -> list[str]:
    """Return the addresses to copy on a notice: normalised, each once, never the customer.

    The same loop and robot policy as the customer's own address: never one of our
    mailboxes, a no-reply/system address or an address that cannot be written.
    """
    skip = {customer_email.strip().lower(), *mailbox_addresses()}
    result: list[str] = []
    for candidate in candidates:
        value = candidate.strip()
        if not value or "@" not in value or address_problem(value):
            continue
        address = parse_address(value).addr_spec.lower()
        if address in skip or address in result or is_robot_address(address):
            continue
        result.append(address)
    return result


@dataclass(frozen=True)
class FloodVerdict:
    """A new ticket's customer against the acknowledgement limit.

    ``limited``: no acknowledgement (reason `RATE_LIMIT`); ``flag_reason``: flag the
    customer with it ("" when not limited or flagged already).
    """

    limited: bool
    flag_reason: str = ""


def flood_verdict(*, mailbox: Mailbox, email: str, flagged: bool) -> FloodVerdict:
    """Judge a customer with a new ticket: past ``ack_limit`` acks in the window is a flood.

    A flood, or a loop with an autoresponder that strips ``Auto-Submitted`` (RFC 3834 §5):
    the ticket is still created, the acknowledgement suppressed, the customer flagged once.
    """
    if not ack_rate_limited(mailbox=mailbox, email=email):
        return FloodVerdict(limited=False)
    if flagged:
        return FloodVerdict(limited=True)
    reason = gettext("More than %(limit)d new requests within %(minutes)d minutes") % {
        "limit": mailbox.ack_limit,
        "minutes": mailbox.ack_window_minutes,
    }
    return FloodVerdict(limited=True, flag_reason=reason)
