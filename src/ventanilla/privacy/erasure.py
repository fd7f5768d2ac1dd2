"""Erasure of a customer: his personal data goes, the figures of his tickets stay.

What stays, for reports: every ticket (moved to an anonymous placeholder customer of the
same organisation and tier, so counts per organisation do not move), its dates and SLA
facts, status, priority, team, assignee, tags, its articles as empty rows (direction, kind,
dates: the message counts and response times), its audit events (scrubbed) and the rating
(without its comment). What goes: the customer row itself (and with it, by cascade, his
portal sessions and sign-in links), every text, address and raw byte of his mail in and
out, attachments and their blobs (unless another customer's mail holds the same file),
participants, search documents and words, suggestion embeddings.

An erased ticket leaves threading: its number gets the suffix ``-ERASED``, its Message-IDs
are blanked and its portal links revoked, so a later mail from the same address, even a
reply to an old notice, opens a new ticket for a new customer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q, QuerySet

from ventanilla.agents.audit import sensitive_action_record
from ventanilla.agents.audit_log import SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.customers.signals import customer_erased
from ventanilla.mail.models import BlockedSender, InboundMessage, OutboundMessage, OutboundState
from ventanilla.privacy.blobs import blobs_remove_unreferenced
from ventanilla.privacy.mentions import mention_tickets, mentions_scrub
from ventanilla.privacy.scrub import ERASED, PLACEHOLDER_DOMAIN, Identity, address_digest
from ventanilla.search.indexing import search_index_ticket
from ventanilla.search.models import SearchWord
from ventanilla.search.text import words
from ventanilla.suggest.models import Embedding, EmbeddingKind
from ventanilla.tickets import events
from ventanilla.tickets.models import (
    Article,
    ArticleDirection,
    Attachment,
    Participant,
    SatisfactionRating,
    Ticket,
)

ERASED_SUFFIX = "-ERASED"


@dataclass(frozen=True)
class Erasure:
    """What one erasure did (counts only: the report itself holds no personal data)."""

    customer_id: int
    placeholder: str
    tickets: int
    inbound: int
    outbound: int
    attachments: int


def _placeholder(customer: Customer) -> Customer:
    return Customer.objects.create(
        email=f"erased-{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}",
        name="",
        language=customer.language,
        organisation=customer.organisation,
        tier=customer.tier,
    )


def _erase_tickets(ticket_ids: list[int], placeholder: Customer, who: Identity) -> None:
    for ticket in Ticket.objects.filter(pk__in=ticket_ids):
        suggestion = dict(ticket.suggestion or {})
        suggestion.pop("reasons", None)  # may quote the subject or the text
        ticket.customer = placeholder
        ticket.subject = ERASED
        ticket.resolution_note = ""
        ticket.suggestion = suggestion
        if not ticket.number.endswith(ERASED_SUFFIX):
            ticket.number = f"{ticket.number}{ERASED_SUFFIX}"
        ticket.save(
            update_fields=["customer", "subject", "resolution_note", "suggestion", "number"]
        )
    Ticket.objects.filter(pk__in=ticket_ids).update(
        portal_link_generation=F("portal_link_generation") + 1
    )
    SatisfactionRating.objects.filter(ticket__in=ticket_ids).update(comment="")
    Participant.objects.filter(ticket__in=ticket_ids).delete()
    articles = Article.objects.filter(ticket__in=ticket_ids)
    articles.update(
        text="",
        new_text="",
        html="",
        subject="",
        sender_name="",
        to=[],
        cc=[],
        message_id="",
        in_reply_to="",
        salvage={},
    )
    articles.filter(direction=ArticleDirection.IN, sender_email__iexact=who.email).update(
        sender_email=placeholder.email
    )
    articles.filter(direction=ArticleDirection.IN).exclude(sender_email=placeholder.email).update(
        sender_email=""
    )


def erasure_inbound(*, customer: Customer) -> QuerySet[InboundMessage]:
    """The stored mail erasing ``customer`` empties: his, and any that copied him."""
    email = customer.email
    return InboundMessage.objects.filter(
        Q(ticket__customer=customer)
        | Q(sender__iexact=email)
        | Q(envelope_from__iexact=email)
        | Q(ticket__participants__email__iexact=email)
    ).distinct()


def erasure_outbound(*, customer: Customer) -> QuerySet[OutboundMessage]:
    """The outgoing mail erasing ``customer`` empties: on his tickets, or addressed to him."""
    return OutboundMessage.objects.filter(
        Q(ticket__customer=customer) | Q(recipients__icontains=customer.email)
    ).distinct()


def _erase_mail(inbound_ids: list[int], outbound_ids: list[int]) -> None:
    """Empty the raw bytes and headers of the mail in and out that carry him."""
    for pk in inbound_ids:
        # A fresh random digest: the identical bytes arriving again are a new message.
        InboundMessage.objects.filter(pk=pk).update(
            raw=b"",
            sha256=secrets.token_hex(32),
            content_sha256="",
            envelope_from="",
            envelope_to=[],
            message_id="",
            sender="",
            subject="",
            error="",
            reasons=[],
            authentication={},
        )
    outbound = OutboundMessage.objects.filter(pk__in=outbound_ids)
    # Nothing left to send: a queued mail to him is given up.
    outbound.filter(state=OutboundState.QUEUED).update(
        state=OutboundState.FAILED, next_attempt_at=None
    )
    for pk in outbound_ids:
        OutboundMessage.objects.filter(pk=pk).update(
            raw=b"",
            recipients=[],
            subject=ERASED,
            last_error="",
            message_id=f"<erased.{secrets.token_hex(12)}@{PLACEHOLDER_DOMAIN}>",
        )


def _erase_attachments(ticket_ids: list[int]) -> tuple[int, list[str]]:
    rows = Attachment.objects.filter(article__ticket__in=ticket_ids)
    digests = list(rows.values_list("sha256", flat=True))
    count, _ = rows.delete()
    return count, digests


def _erase_index(ticket_ids: list[int], who: Identity) -> None:
    Embedding.objects.filter(kind=EmbeddingKind.TICKET, object_id__in=ticket_ids).delete()
    for pk in ticket_ids:
        search_index_ticket(ticket_id=pk)
    # The typo vocabulary learnt his name and the words of his address's local part.
    personal = words(f"{who.name} {who.email.split('@', 1)[0]}")
    SearchWord.objects.filter(word__in=personal).delete()


@transaction.atomic
def customer_erase(*, customer: Customer, actor: User | None, actor_name: str = "") -> Erasure:
    """Erase ``customer``'s personal data, keep his tickets' figures; log who did it."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    who = Identity(email=customer.email, name=customer.name)
    ticket_ids = list(Ticket.objects.filter(customer=customer).values_list("pk", flat=True))
    inbound_ids = list(erasure_inbound(customer=customer).values_list("pk", flat=True))
    outbound_ids = list(erasure_outbound(customer=customer).values_list("pk", flat=True))
    placeholder = _placeholder(customer)
    _erase_tickets(ticket_ids, placeholder, who)
    others = mention_tickets(who=who, exclude=ticket_ids)
    mentions_scrub(who=who, ticket_ids=ticket_ids, other_ids=others, placeholder=placeholder)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk)
    ).update(object_repr=ERASED, change_message="")
    BlockedSender.objects.filter(pattern__iexact=who.email).delete()
    _erase_mail(inbound_ids, outbound_ids)
    n_files, digests = _erase_attachments(ticket_ids)
    label = actor.get_username() if actor is not None else actor_name or "system"
    for ticket in Ticket.objects.filter(pk__in=ticket_ids):
        events.ticket_customer_erased_event(ticket=ticket, actor=label)
    _erase_index(ticket_ids, who)
    customer_id = customer.pk
    customer.delete()  # and, by cascade, his portal sessions and sign-in links
    result = Erasure(
        customer_id,
        placeholder.email,
        len(ticket_ids),
        len(inbound_ids),
        len(outbound_ids),
        n_files,
    )
    sensitive_action_record(
        kind=SensitiveKind.ERASURE,
        target=f"customer:{customer_id}",
        actor=actor,
        actor_name=actor_name or None,
        data={"address_digest": address_digest(who.email), **result.__dict__},
    )
    customer_erased.send(
        sender=Customer, customer_id=customer_id, placeholder=placeholder, ticket_ids=ticket_ids
    )
    transaction.on_commit(lambda: blobs_remove_unreferenced(digests=digests))
    return result
