"""The automatic acknowledgement: language, wording (built-in or the mailbox's), rate limit.

The wording comes from the mailbox's own ``MailTemplate`` for (ack, language) when there is
one, else from the built-in translated templates ``templates/mail/ack_subject.txt`` and
``ack_body.txt``. Both are Django templates rendered as plain text (no HTML escaping) with
the same context, documented in `ack_context`. Rendering is made cheap by ``render``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone, translation

from ventanilla.mail.models import (
    Mailbox,
    MailTemplate,
    MailTemplateKind,
    OutboundKind,
    OutboundMessage,
)
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.render import (
    compiled,
    mailbox_template,
    render_builtin,
    render_compiled,
)
from ventanilla.outbound.services import outbound_queue
from ventanilla.tickets.models import Ticket

SUBJECT_IN_ACK_CHARS = 200


@dataclass(frozen=True)
class RenderedMail:
    """A rendered automatic mail: one-line subject and plain-text body."""

    subject: str
    text: str


def ack_language(*, customer_language: str, detected: str, mailbox: Mailbox) -> str:
    """Choose the language: the customer's known one, then the detected one, then the default."""
    supported = {code for code, _name in settings.LANGUAGES}
    for candidate in (customer_language, detected, mailbox.default_language):
        if candidate in supported:
            return candidate
    return str(settings.LANGUAGE_CODE)


def ack_context(
    *,
    mailbox: Mailbox,
    number: str,
    subject: str,
    received_at: datetime,
    customer_name: str,
    language: str,
) -> dict[str, Any]:
    """Return the template context (plain values only, so templates cannot reach the ORM).

    ``ticket.number``, ``ticket.subject``, ``received_at`` (formatted in the company time
    zone and the mail's language), ``customer_name``, ``mailbox.name``, ``mailbox.address``,
    ``mailbox.fallback_contact``.
    """
    local = timezone.localtime(received_at, ZoneInfo(settings.TIME_ZONE))
    with translation.override(language):
        received = formats.date_format(local, "DATETIME_FORMAT", use_l10n=True)
    return {
        "ticket": {"number": number, "subject": one_line(subject, SUBJECT_IN_ACK_CHARS)},
        "received_at": f"{received} ({local.tzname()})",
        "customer_name": one_line(customer_name, 200),
        "mailbox": {
            "name": mailbox.sender_name or mailbox.name,
            "address": mailbox.address,
            "fallback_contact": mailbox.fallback_contact,
        },
    }


def ack_render(*, mailbox: Mailbox, language: str, context: dict[str, Any]) -> RenderedMail:
    """Render the acknowledgement in ``language``: the mailbox's template, else the built-in."""
    custom = mailbox_template(mailbox_id=mailbox.pk, kind=MailTemplateKind.ACK, language=language)
    if custom is not None:
        return render_custom(custom, context)
    subject = render_builtin("mail/ack_subject.txt", language, context)
    text = render_builtin("mail/ack_body.txt", language, context)
    return RenderedMail(subject=one_line(subject, 998), text=_tidy(text))


def render_custom(template: MailTemplate, context: dict[str, Any]) -> RenderedMail:
    """Render a mailbox's ``MailTemplate`` (compiled once per version) in its language.

    The ticket number is put in front of the subject when the template left it out: it is
    what people quote, and our subject-based threading looks for it.
    """
    subject = one_line(render_compiled(compiled(template.subject), template.language, context), 998)
    text = render_compiled(compiled(template.body), template.language, context)
    number = str(context["ticket"]["number"])
    if number not in subject:
        subject = f"[{number}] {subject}"
    return RenderedMail(subject=subject, text=_tidy(text))


def _tidy(text: str) -> str:
    """Drop blank runs left by template tags and trailing spaces (but keep the "-- " line)."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def ack_rate_limited(*, mailbox: Mailbox, email: str) -> bool:
    """Return True when ``email`` already got ``ack_limit`` acks within the window.

    Counted through the ticket's customer (the ack always goes to the customer): the join
    uses the unique index on ``Customer.email`` and the ticket foreign keys, and works the
    same on SQLite, which has no JSON ``contains`` lookup for ``recipients``.
    """
    since = timezone.now() - timedelta(minutes=mailbox.ack_window_minutes)
    sent = OutboundMessage.objects.filter(
        mailbox=mailbox,
        kind=OutboundKind.ACK,
        ticket__customer__email=email.strip().lower(),
        created_at__gte=since,
    ).count()
    return sent >= mailbox.ack_limit


def ack_queue(
    *,
    ticket: Ticket,
    language: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
) -> OutboundMessage:
    """Render the acknowledgement of ``ticket`` and queue it for its customer."""
    customer = ticket.customer
    context = ack_context(
        mailbox=ticket.mailbox,
        number=ticket.number,
        subject=ticket.subject,
        received_at=ticket.received_at,
        customer_name=customer.name,
        language=language,
    )
    rendered = ack_render(mailbox=ticket.mailbox, language=language, context=context)
    return outbound_queue(
        mailbox=ticket.mailbox,
        ticket=ticket,
        kind=OutboundKind.ACK,
        to=[customer.email],
        subject=rendered.subject,
        text=rendered.text,
        in_reply_to=in_reply_to,
        references=references,
        automatic=True,
        language=language,
    )


def ack_preview(*, template: MailTemplate) -> RenderedMail:
    """Render ``template`` with its mailbox's latest ticket, or with sample data if none.

    Raises ``django.template.TemplateSyntaxError`` for a broken template (shown to the admin).
    """
    mailbox = template.mailbox
    ticket = Ticket.objects.filter(mailbox=mailbox).select_related("customer").first()
    if ticket is None:
        now = timezone.now()
        number = f"{mailbox.prefix}-{timezone.localtime(now).year}-00042"
        context = ack_context(
            mailbox=mailbox,
            number=number,
            subject="No puedo acceder a la intranet",
            received_at=now,
            customer_name="Lucía Pérez",
            language=template.language,
        )
    else:
        context = ack_context(
            mailbox=mailbox,
            number=ticket.number,
            subject=ticket.subject,
            received_at=ticket.received_at,
            customer_name=ticket.customer.name,
            language=template.language,
        )
    return render_custom(template, context)
