"""Free labels on tickets ("facturación", "vpn"): set a ticket's tags, creating new ones.

Names are normalised (trimmed, inner whitespace collapsed, lower-case) so "VPN " and "vpn"
are one tag; a missing ``Tag`` row is created on first use (agents label as they go,
like Zammad and Zendesk).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.core.text import db_safe
from ventanilla.tickets import events
from ventanilla.tickets.models import Tag, Ticket

TAG_MAX_CHARS = 50  # Tag.name's max_length


def tag_normalise(name: str) -> str:
    """Return the canonical form of a tag name ("  Facturación  X " → "facturación x")."""
    return db_safe(" ".join(name.split()).lower())


@transaction.atomic
def ticket_tags_set(*, ticket: Ticket, names: Iterable[str], actor: User | None) -> list[str]:
    """Make ``names`` exactly the ticket's tags; return them normalised and sorted.

    Blank names are dropped; one longer than ``TAG_MAX_CHARS`` raises ``ValidationError``
    and changes nothing. A change writes one "tags-set" event with what was added and
    removed; setting the same tags again writes nothing.
    """
    wanted = sorted({tag_normalise(name) for name in names} - {""})
    too_long = [name for name in wanted if len(name) > TAG_MAX_CHARS]
    if too_long:
        raise ValidationError(
            _("A tag can have at most %(limit)d characters: %(name)s")
            % {"limit": TAG_MAX_CHARS, "name": too_long[0]},
            code="tag-too-long",
        )
    current = set(ticket.tags.values_list("name", flat=True))
    added = [name for name in wanted if name not in current]
    removed = sorted(current - set(wanted))
    if not added and not removed:
        return wanted
    # get_or_create retries the read when another agent created the same tag meanwhile.
    ticket.tags.add(*(Tag.objects.get_or_create(name=name)[0] for name in added))
    if removed:
        ticket.tags.remove(*Tag.objects.filter(name__in=removed))
    events.ticket_tags_set_event(
        ticket=ticket,
        added=added,
        removed=removed,
        actor="system" if actor is None else actor.get_username(),
    )
    return wanted
