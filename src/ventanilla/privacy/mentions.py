"""Where an erased customer is named outside his own tickets, and the scrubbing of it.

He can be named on another customer's ticket: copied on it (a participant, in To/Cc), as the
sender of a reply there, or in someone's text. Those tickets are found without reading every
article: the participants, the senders, and the search index (which holds every ticket's
text) for his address and his name. Then only their articles and audit rows are scrubbed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from ventanilla.agents.models import Notification
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.privacy.scrub import ERASED, Identity
from ventanilla.search.api import search_unscoped
from ventanilla.tickets.models import Article, Participant, Ticket, TicketEvent

ARTICLE_TEXT = ("subject", "text", "new_text", "html", "to", "cc")
# Tickets taken from the index per term: a person named in more is no customer but a topic.
MAX_INDEX_HITS = 1000


def mention_tickets(*, who: Identity, exclude: Sequence[int]) -> list[int]:
    """Return the ids of other tickets that may name ``who`` (a superset: then scrubbed)."""
    found = set(
        Participant.objects.filter(email__iexact=who.email).values_list("ticket", flat=True)
    )
    found |= set(
        Article.objects.filter(sender_email__iexact=who.email).values_list("ticket", flat=True)
    )
    for term in who.terms:
        hits = search_unscoped(query=term, limit=MAX_INDEX_HITS).hits
        found |= {hit.object_id for hit in hits if hit.kind == "ticket"}
    return sorted(found - set(exclude))


def _events(who: Identity, ticket_ids: list[int]) -> None:
    mention = Q(ticket__in=ticket_ids)
    for term in who.terms:
        # The customer is the actor of what he did himself (a rating, a portal answer).
        mention |= Q(actor__iexact=term)
    for event in TicketEvent.objects.filter(mention):
        event.data = who.scrub(event.data)
        event.actor = who.scrub(event.actor)
        event.save(update_fields=["data", "actor"])


def mentions_scrub(
    *, who: Identity, ticket_ids: list[int], other_ids: list[int], placeholder: Customer
) -> None:
    """Scrub his own tickets' events and notices, and every mention on the other tickets.

    His messages on the other tickets (as a copied participant) stay for that customer's
    case, under the placeholder's address and with his name and address replaced. The raw
    mail behind an article that named him is emptied: the scrubbed article is what stays.
    """
    _events(who, [*ticket_ids, *other_ids])
    Notification.objects.filter(ticket__in=ticket_ids).update(text=ERASED)
    for note in Notification.objects.filter(text__icontains=who.email):
        note.text = who.scrub(note.text)
        note.save(update_fields=["text"])
    others = Article.objects.filter(ticket__in=other_ids)
    others.filter(sender_email__iexact=who.email).update(
        sender_email=placeholder.email, sender_name=""
    )
    Participant.objects.filter(email__iexact=who.email).delete()
    carried: list[tuple[int | None, int | None]] = []
    for article in others.only("pk", "inbound", "outbound", *ARTICLE_TEXT):
        scrubbed = {f: who.scrub(getattr(article, f)) for f in ARTICLE_TEXT}
        changed = [f for f in ARTICLE_TEXT if scrubbed[f] != getattr(article, f)]
        if changed:
            for field in changed:
                setattr(article, field, scrubbed[field])
            article.save(update_fields=changed)
            carried.append((article.inbound_id, article.outbound_id))
    _mail(who, other_ids, carried)


def _mail(
    who: Identity, other_ids: list[int], carried: list[tuple[int | None, int | None]]
) -> None:
    """Scrub the other tickets' subjects and their mail that named him, raw bytes included.

    A mail is taken to name him when the article read from it did, or its subject or its
    recipients do, or its raw bytes hold his address or name as they are (an encoded
    header or body may hide them: the article read from it tells).
    """
    for ticket in Ticket.objects.filter(pk__in=other_ids):
        subject = who.scrub(ticket.subject)
        if subject != ticket.subject:
            ticket.subject = subject
            ticket.save(update_fields=["subject"])
    inbound_ids = {i for i, _ in carried if i}
    outbound_ids = {o for _, o in carried if o}
    for message in InboundMessage.objects.filter(ticket__in=other_ids):
        raw = bytes(message.raw).decode("utf-8", "replace")
        if message.pk in inbound_ids or who.found_in(message.subject) or who.found_in(raw):
            InboundMessage.objects.filter(pk=message.pk).update(
                raw=b"", subject=who.scrub(message.subject)
            )
    for sent in OutboundMessage.objects.filter(ticket__in=other_ids):
        named = who.found_in([sent.subject, sent.recipients])
        raw = bytes(sent.raw).decode("utf-8", "replace")
        if sent.pk in outbound_ids or named or who.found_in(raw):
            OutboundMessage.objects.filter(pk=sent.pk).update(
                raw=b"", subject=who.scrub(sent.subject), recipients=who.scrub(sent.recipients)
            )
