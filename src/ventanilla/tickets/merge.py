"""Merge two tickets about the same case into one.

The source ticket's conversation moves to the target: its articles (their attachments come
with them), its participants (each address once; the source's customer becomes a
participant when the two customers differ) and its tags. Its audit history stays where it
happened; both tickets get a "merged" event. The source is closed through the "merge" edge
of ``states.NAMED_EDGES`` and points at the target with ``merged_into``: it keeps its
number, and mail threading to the old number or to its Message-IDs lands in the target
(``selectors.ticket_follow_merges``, used by the pipeline's ``thread`` step).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.tickets import events
from ventanilla.tickets.models import Article, Participant, Ticket, TicketStatus
from ventanilla.tickets.services import participant_add
from ventanilla.tickets.signals import ticket_changed
from ventanilla.tickets.states import ticket_transition


def _check(source: Ticket, target: Ticket) -> None:
    """Refuse merges that would lose the thread or build a chain of merges."""
    if source.merged_into_id is not None:
        msg = _("Ticket %(number)s is already merged into another ticket.")
        raise ValidationError(msg % {"number": source.number}, code="merged")
    if target.merged_into_id is not None:
        msg = _("Ticket %(number)s was merged into another ticket: merge into that one.")
        raise ValidationError(msg % {"number": target.number}, code="merged")
    if target.status == TicketStatus.CLOSED:
        msg = _("Ticket %(number)s is closed: reopen it before merging into it.")
        raise ValidationError(msg % {"number": target.number}, code="closed")


def _move_participants(source: Ticket, target: Ticket) -> int:
    """Copy the source's people to the target (each once), then drop them from the source."""
    people = [(p.email, p.name, p.role) for p in source.participants.order_by("created_at", "pk")]
    if source.customer_id != target.customer_id:
        people.insert(0, (source.customer.email, source.customer.name, Participant.Role.CC))
    target_customer = target.customer.email
    added = sum(
        participant_add(ticket=target, email=email, name=name, role=role)
        for email, name, role in people
        if email != target_customer
    )
    source.participants.all().delete()
    return added


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User | None) -> Ticket:
    """Merge ``source`` into ``target`` and return the target (see the module docstring).

    Raises ``ValidationError`` when merging a ticket into itself, a ticket already merged,
    into a merged ticket, or into a closed one.
    """
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."), code="self")
    # Lock both rows in primary-key order, so two opposite merges cannot deadlock.
    rows = Ticket.objects.select_for_update(of=("self",)).select_related("customer")
    locked = {t.pk: t for t in rows.filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    src, dst = locked[source.pk], locked[target.pk]
    _check(src, dst)
    name = "system" if actor is None else actor.get_username()
    moved: dict[str, object] = {
        "articles": Article.objects.filter(ticket=src).update(ticket=dst),
        "participants": _move_participants(src, dst),
        "tags": len(set(src.tags.all()) - set(dst.tags.all())),
    }
    dst.tags.add(*src.tags.all())
    src.merged_into = dst
    src.save(update_fields=["merged_into", "updated_at"])
    if src.status != TicketStatus.CLOSED:
        reason = f"merged into {dst.number}"
        ticket_transition(
            ticket=src, to=TicketStatus.CLOSED, actor=name, reason=reason, edge="merge"
        )
    now = timezone.now()
    Ticket.objects.filter(pk=dst.pk).update(last_activity_at=now, updated_at=now)
    dst.last_activity_at = now
    for side in (src, dst):
        events.ticket_merged_event(
            ticket=side, source=src.number, target=dst.number, moved=moved, actor=name
        )
        # The articles moved by update(): listeners (search) hear it here, not from save().
        ticket_changed.send(sender=Ticket, ticket_id=side.pk)
    return dst
