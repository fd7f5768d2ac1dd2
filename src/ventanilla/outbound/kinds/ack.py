"""The automatic acknowledgement of a new ticket: language, wording, the draft, a preview.

The wording comes from the mailbox's own ``MailTemplate`` for (ack, language) when there is
one, else from the built-in translated templates ``templates/mail/ack_subject.txt`` and
``ack_body.txt`` (see ``wording``). Both get the context documented in `ack_context`, which
the resolution notice shares (one set of instructions serves both kinds of template).

It is automatic mail (``Auto-Submitted: auto-replied``, RFC 3834 §5) to the ticket's
customer only; whether it may be sent at all is ``policy.ack_refusals``'s decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone, translation

from ventanilla.mail.models import Mailbox, MailTemplate, MailTemplateKind, OutboundKind
from ventanilla.outbound.compose import new_message_id, one_line
from ventanilla.outbound.draft import Draft, Thread, TicketFacts
from ventanilla.outbound.wording import RenderedMail, wording_custom, wording_render

SUBJECT_IN_ACK_CHARS = 200


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
    notice: str = "",
) -> dict[str, Any]:
    """Return the template context (plain values only, so templates cannot reach the ORM).

    ``ticket.number``, ``ticket.subject``, ``received_at`` (formatted in the company time
    zone and the mail's language), ``customer_name``, ``mailbox.name``, ``mailbox.address``,
    ``mailbox.fallback_contact``, ``notice`` (the mailbox's service notice in force, in the
    mail's language, or "").
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
        "notice": notice,
    }


def ack_facts_context(*, about: TicketFacts, language: str, notice: str = "") -> dict[str, Any]:
    """Return `ack_context` for the ticket ``about``, and its ``portal_url`` ("" for none)."""
    context = ack_context(
        mailbox=about.mailbox,
        number=about.number,
        subject=about.subject,
        received_at=about.received_at,
        customer_name=about.customer_name,
        language=language,
        notice=notice,
    )
    context["portal_url"] = about.portal_url
    return context


def ack_render(*, mailbox: Mailbox, language: str, context: dict[str, Any]) -> RenderedMail:
    """Render the acknowledgement in ``language``: the mailbox's template, else the built-in."""
    return wording_render(
        mailbox=mailbox, kind=MailTemplateKind.ACK, language=language, context=context
    )


def ack_draft(*, about: TicketFacts, language: str, thread: Thread, notice: str = "") -> Draft:
    """Return the acknowledgement of the ticket ``about`` for its customer, in ``language``.

    ``thread``: the customer's mail it answers (RFC 3834 §3.1.5, RFC 5322 §3.6.4);
    ``notice``: the mailbox's service notice in force, in ``language`` ("" when none).
    """
    context = ack_facts_context(about=about, language=language, notice=notice)
    rendered = ack_render(mailbox=about.mailbox, language=language, context=context)
    if notice and notice not in rendered.text:
        # A mailbox's own template written before notices existed does not show it; the
        # notice is what the customer most needs to read, so it goes first.
        rendered = RenderedMail(subject=rendered.subject, text=f"{notice}\n\n{rendered.text}")
    return Draft(
        mailbox=about.mailbox,
        kind=OutboundKind.ACK,
        message_id=new_message_id(mailbox=about.mailbox, ticket_number=about.number),
        to=(about.customer_email,),
        subject=rendered.subject,
        text=rendered.text,
        thread=thread,
        automatic=True,
        language=language,
        ticket_id=about.id,
    )


def ack_template_preview(*, template: MailTemplate, about: TicketFacts | None) -> RenderedMail:
    """Render ``template`` for the ticket ``about``, or with sample data when None.

    Raises ``django.template.TemplateSyntaxError`` for a broken template (shown to the admin).
    """
    if about is not None:
        context = ack_facts_context(about=about, language=template.language)
        return wording_custom(template, context)
    mailbox = template.mailbox
    now = timezone.now()
    context = ack_context(
        mailbox=mailbox,
        number=f"{mailbox.prefix}-{timezone.localtime(now).year}-00042",
        subject="No puedo acceder a la intranet",
        received_at=now,
        customer_name="Lucía Pérez",
        language=template.language,
    )
    return wording_custom(template, context)
