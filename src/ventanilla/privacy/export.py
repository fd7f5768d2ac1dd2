"""Everything held about one customer, as one zip archive (the right of access, GDPR art. 15).

The archive holds ``customer.json`` (the customer, each of his tickets in the shape of
``ventanilla tickets export --json`` with its full record, his mail that belongs to no ticket,
and the sensitive-action log rows about him), ``mail/`` (the raw bytes of every mail from and
to him, as ``.eml``) and ``attachments/`` (every file of his tickets, under its digest).

Only his own tickets are in it: mail he wrote as a copied participant on another customer's
ticket belongs to that customer's case and stays out, so the archive never carries anyone
else's conversation.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from ventanilla.agents.audit import sensitive_action_record, sensitive_actions_for
from ventanilla.agents.audit_log import SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.tickets.blobs import blob_get
from ventanilla.tickets.export import ticket_export_iter
from ventanilla.tickets.models import Attachment

FORMAT = "ventanilla-customer-export/1"


@dataclass(frozen=True)
class ExportSummary:
    """What an archive holds (counts), also written to the sensitive-action log."""

    tickets: int
    mail: int
    attachments: int


def _inbound(customer: Customer) -> QuerySet[InboundMessage]:
    mine = Q(ticket__customer=customer)
    loose = Q(ticket__isnull=True) & (
        Q(sender__iexact=customer.email) | Q(envelope_from__iexact=customer.email)
    )
    return InboundMessage.objects.filter(mine | loose).order_by("pk")


def _outbound(customer: Customer) -> QuerySet[OutboundMessage]:
    mine = Q(ticket__customer=customer)
    loose = Q(ticket__isnull=True) & Q(recipients__icontains=customer.email)
    return OutboundMessage.objects.filter(mine | loose).order_by("pk")


def _customer(customer: Customer) -> dict[str, Any]:
    return {
        "email": customer.email,
        "name": customer.name,
        "language": customer.language,
        "organisation": customer.organisation.name if customer.organisation else None,
        "tier": customer.tier,
        "flagged_at": customer.flagged_at.isoformat() if customer.flagged_at else None,
        "flag_reason": customer.flag_reason,
        "created_at": customer.created_at.isoformat(),
    }


def _loose_mail(customer: Customer) -> dict[str, list[dict[str, Any]]]:
    """His mail that belongs to no ticket (quarantined, ignored, portal sign-in links)."""
    inbound = _inbound(customer).filter(ticket__isnull=True).defer("raw")
    outbound = _outbound(customer).filter(ticket__isnull=True).defer("raw")
    return {
        "mail_in": [
            {
                "id": m.pk,
                "subject": m.subject,
                "state": m.state,
                "source": m.source,
                "received_at": m.received_at.isoformat(),
            }
            for m in inbound
        ],
        "mail_out": [
            {
                "id": m.pk,
                "kind": m.kind,
                "subject": m.subject,
                "state": m.state,
                "created_at": m.created_at.isoformat(),
            }
            for m in outbound
        ],
    }


def _log(customer: Customer) -> list[dict[str, Any]]:
    return [
        {"at": r.created_at.isoformat(), "kind": r.kind, "actor": r.actor_name, "data": r.data}
        for r in sensitive_actions_for(target=f"customer:{customer.pk}")
    ]


def _write_files(archive: zipfile.ZipFile, customer: Customer) -> tuple[int, int]:
    """Add the raw mail and the attachments; return how many of each."""
    mail = 0
    for message in _inbound(customer).iterator(chunk_size=100):
        archive.writestr(f"mail/in-{message.pk}.eml", bytes(message.raw))
        mail += 1
    for sent in _outbound(customer).iterator(chunk_size=100):
        archive.writestr(f"mail/out-{sent.pk}.eml", bytes(sent.raw))
        mail += 1
    digests = set(
        Attachment.objects.filter(article__ticket__customer=customer).values_list(
            "sha256", flat=True
        )
    )
    for digest in sorted(digests):
        try:
            archive.writestr(f"attachments/{digest}", blob_get(digest))
        except FileNotFoundError:
            continue  # removed by retention: the ticket's record says which file it was
    return mail, len(digests)


def customer_export_write(
    *, customer: Customer, out: IO[bytes], actor: User | None, actor_name: str = ""
) -> ExportSummary:
    """Write ``customer``'s archive to ``out`` and log the export; return what it holds."""
    tickets = list(ticket_export_iter(customer_id=customer.pk))
    document = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "customer": _customer(customer),
        "tickets": tickets,
        **_loose_mail(customer),
        "sensitive_actions": _log(customer),
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("customer.json", json.dumps(document, ensure_ascii=False, indent=1))
        mail, files = _write_files(archive, customer)
    summary = ExportSummary(tickets=len(tickets), mail=mail, attachments=files)
    sensitive_action_record(
        kind=SensitiveKind.EXPORT,
        target=f"customer:{customer.pk}",
        actor=actor,
        actor_name=actor_name or None,
        data=summary.__dict__,
    )
    return summary
