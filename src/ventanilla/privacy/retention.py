"""The retention policy: what is kept how long, as a plan that is printed or carried out.

Two rules, from the settings (0 turns a rule off):

- ``VENTANILLA_RETENTION_MAIL_MONTHS``: the raw mail (in and out) and the attachments of
  tickets closed more than that many months ago are removed; the conversation's text, the
  ticket and its record stay.
- ``VENTANILLA_RETENTION_CUSTOMER_YEARS``: a customer with no ticket activity for that many
  years is erased (``privacy/erasure.py``: his tickets stay, anonymised, for the figures).

``retention_plan`` lists exactly the rows a run would touch, one printed line each (the dry
run prints it); ``retention_apply`` carries out that same plan, row by row, and returns the
lines it carried out, so what a run removes is exactly what its dry run printed. A run
handles at most ``limit`` rows of each kind; the next run takes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q

from ventanilla.agents.audit import sensitive_action_record
from ventanilla.agents.audit_log import SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, OutboundMessage, OutboundState
from ventanilla.privacy.blobs import blobs_remove_unreferenced
from ventanilla.privacy.erasure import customer_erase, erasure_inbound, erasure_outbound
from ventanilla.privacy.scrub import PLACEHOLDER_DOMAIN
from ventanilla.tickets.models import Attachment, TicketStatus

LIMIT = 5000
MAIL_IN, MAIL_OUT, ATTACHMENT, CUSTOMER = "mail-in", "mail-out", "attachment", "customer"


@dataclass(frozen=True)
class Item:
    """One row the policy removes, and how it prints."""

    kind: str
    pk: int
    text: str

    @property
    def line(self) -> str:
        """The printed line: ``<kind> <id>: <what>``."""
        return f"{self.kind} {self.pk}: {self.text}"


@dataclass(frozen=True)
class RetentionPlan:
    """Everything one run removes (in the order it is carried out)."""

    items: tuple[Item, ...]

    @property
    def lines(self) -> list[str]:
        """One printed line per row."""
        return [item.line for item in self.items]


def months_before(moment: datetime, months: int) -> datetime:
    """Return ``moment`` minus whole calendar months (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    first = moment.replace(year=year, month=month + 1, day=1)
    last_day = ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
    return first.replace(day=min(moment.day, last_day))


def _mail_items(scope: dict[str, object], limit: int) -> list[Item]:
    """The raw mail in and out and the attachments of the tickets that match ``scope``."""

    def via(prefix: str) -> dict[str, object]:
        return {f"{prefix}{key}": value for key, value in scope.items()}

    inbound = (
        InboundMessage.objects.filter(**via("ticket__"))
        .exclude(raw=b"")
        .select_related("ticket")
        .defer("raw")
        .order_by("pk")[:limit]
    )
    outbound = (
        OutboundMessage.objects.filter(**via("ticket__"))
        .exclude(raw=b"")
        .exclude(state=OutboundState.QUEUED)
        .select_related("ticket")
        .defer("raw")
        .order_by("pk")[:limit]
    )
    files = (
        Attachment.objects.filter(**via("article__ticket__"))
        .select_related("article__ticket")
        .order_by("pk")[:limit]
    )
    items = [
        Item(MAIL_IN, m.pk, f"raw mail of {_ticket(m.ticket)}, {m.size} bytes") for m in inbound
    ]
    items += [Item(MAIL_OUT, m.pk, f"raw mail of {_ticket(m.ticket)}") for m in outbound]
    items += [
        Item(ATTACHMENT, a.pk, f"{a.filename!r} of {_ticket(a.article.ticket)}, {a.size} bytes")
        for a in files
    ]
    return items


def _ticket(ticket: object) -> str:
    number = getattr(ticket, "number", "?")
    closed = getattr(ticket, "closed_at", None)
    return f"{number} (closed {closed:%Y-%m-%d})" if closed else str(number)


def _erasure_items(customer: Customer, limit: int) -> list[Item]:
    """What erasing ``customer`` removes besides his row: raw mail, then his tickets' files."""
    inbound = erasure_inbound(customer=customer).exclude(raw=b"").defer("raw").order_by("pk")
    outbound = erasure_outbound(customer=customer).exclude(raw=b"").defer("raw").order_by("pk")
    files = Attachment.objects.filter(article__ticket__customer=customer).order_by("pk")
    label = f"of erased customer {customer.pk}"
    items = [Item(MAIL_IN, m.pk, f"raw mail {label}, {m.size} bytes") for m in inbound[:limit]]
    items += [Item(MAIL_OUT, m.pk, f"raw mail {label}") for m in outbound[:limit]]
    items += [Item(ATTACHMENT, a.pk, f"{a.filename!r} {label}") for a in files[:limit]]
    return items


def _customer_items(cutoff: datetime, limit: int) -> list[Item]:
    """Idle customers, each followed by the mail and files his erasure removes."""
    idle = (
        Customer.objects.exclude(email__endswith=f"@{PLACEHOLDER_DOMAIN}")
        .filter(created_at__lt=cutoff)
        .annotate(last=Max("tickets__last_activity_at"), count=Count("tickets"))
        .filter(Q(last__lt=cutoff) | Q(last__isnull=True))
        .order_by("pk")[:limit]
    )
    items: list[Item] = []
    for customer in idle:
        when = customer.last or customer.created_at
        text = f"{customer.email}, {customer.count} tickets, last active {when:%Y-%m-%d}"
        items.append(Item(CUSTOMER, customer.pk, text))
        items += _erasure_items(customer, limit)
    return items


def retention_plan(*, now: datetime, limit: int = LIMIT) -> RetentionPlan:
    """Return what the policy removes at ``now`` (at most ``limit`` rows of each kind)."""
    items: list[Item] = []
    if settings.VENTANILLA_RETENTION_MAIL_MONTHS > 0:
        cutoff = months_before(now, settings.VENTANILLA_RETENTION_MAIL_MONTHS)
        items += _mail_items({"status": TicketStatus.CLOSED, "closed_at__lt": cutoff}, limit)
    if settings.VENTANILLA_RETENTION_CUSTOMER_YEARS > 0:
        cutoff = months_before(now, 12 * settings.VENTANILLA_RETENTION_CUSTOMER_YEARS)
        items += _customer_items(cutoff, limit)
    # A row both rules reach (a closed ticket of an idle customer) is listed once.
    unique = {(item.kind, item.pk): item for item in reversed(items)}
    return RetentionPlan(items=tuple(i for i in items if unique[(i.kind, i.pk)] is i))


def _ids(plan: RetentionPlan, kind: str) -> list[int]:
    return [item.pk for item in plan.items if item.kind == kind]


@transaction.atomic
def retention_apply(*, plan: RetentionPlan) -> list[str]:
    """Carry out ``plan``, exactly its rows; log the run; return the lines carried out."""
    InboundMessage.objects.filter(pk__in=_ids(plan, MAIL_IN)).update(raw=b"")
    OutboundMessage.objects.filter(pk__in=_ids(plan, MAIL_OUT)).update(raw=b"")
    files = Attachment.objects.filter(pk__in=_ids(plan, ATTACHMENT))
    digests = list(files.values_list("sha256", flat=True))
    files.delete()
    for customer in Customer.objects.filter(pk__in=_ids(plan, CUSTOMER)).order_by("pk"):
        customer_erase(customer=customer, actor=None, actor_name="retention")
    counts = {kind: len(_ids(plan, kind)) for kind in (MAIL_IN, MAIL_OUT, ATTACHMENT, CUSTOMER)}
    if plan.items:
        sensitive_action_record(
            kind=SensitiveKind.RETENTION, target="retention", actor_name="retention", data=counts
        )
    transaction.on_commit(lambda: blobs_remove_unreferenced(digests=digests))
    return plan.lines
