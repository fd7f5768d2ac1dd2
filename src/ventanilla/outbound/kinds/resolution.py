"""The resolution notice: "your request is solved; replying is enough if anything is pending".

Sent when an agent resolves a ticket. Like the acknowledgement, the wording comes from the
mailbox's own ``MailTemplate`` for (resolution, language) when there is one, else from the
built-in translated templates ``templates/mail/resolution_subject.txt`` and
``resolution_body.txt``; both get the context of ``ack.ack_context`` (same variables, so one
set of instructions serves both kinds of template), plus ``rating.good`` and ``rating.bad``:
the links that offer the customer to rate the solution.

Decisions:

- It goes to the ticket's customer, with the ticket's participants (the other people the
  customer wrote to or copied) in Cc, as an agent's reply copies its Cc: addresses
  normalised and each once, never the customer twice. A participant that is one of our own
  mailboxes (a loop), an address nobody reads (no-reply, daemons) or one that cannot be
  written is left out (``policy.copy_recipients``); the customer's own refusals
  (``policy.resolution_refusals``, asked by the caller) stop the whole notice, since it is
  addressed to him.
- It is a reply in the conversation (In-Reply-To the customer's latest mail, References to
  the whole thread, RFC 5322 §3.6.4) with our signed Message-ID and the number in the
  subject, so the customer's "it still fails" threads back and reopens the ticket.
- It carries no ``Auto-Submitted`` header: it is the agent's act, not an automatic reply
  (RFC 3834 §5 reserves ``auto-replied`` for responses to a message). Our inbound loop
  rule still recognises it by ``X-Loop``.
- The resolution note itself is internal (what was wrong, what fixed it) and is not mailed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ventanilla.mail.models import MailTemplateKind, OutboundKind
from ventanilla.outbound.compose import new_message_id
from ventanilla.outbound.draft import Draft, Thread, TicketFacts
from ventanilla.outbound.kinds.ack import ack_facts_context, ack_language
from ventanilla.outbound.policy import copy_recipients
from ventanilla.outbound.wording import wording_render


def resolution_language(*, about: TicketFacts) -> str:
    """The customer's known language, else the conversation's, else the mailbox's default."""
    return ack_language(
        customer_language=about.customer_language, detected=about.language, mailbox=about.mailbox
    )


def resolution_draft(
    *, about: TicketFacts, language: str, participants: Iterable[str], thread: Thread
) -> Draft:
    """Return the notice of the ticket ``about`` for its customer, in ``language``.

    ``participants``: the ticket's other people (addresses, oldest first), copied when the
    policy lets them; ``thread``: the conversation it ends (``ticket_conversation_thread``).
    """
    context = ack_facts_context(about=about, language=language)
    # "Was this solved well?": links to a confirmation page (nothing is recorded by a GET).
    context["rating"] = {"good": about.rating_good_url, "bad": about.rating_bad_url}
    rendered = wording_render(
        mailbox=about.mailbox, kind=MailTemplateKind.RESOLUTION, language=language, context=context
    )
    return Draft(
        mailbox=about.mailbox,
        kind=OutboundKind.RESOLUTION,
        message_id=new_message_id(mailbox=about.mailbox, ticket_number=about.number),
        to=(about.customer_email,),
        cc=tuple(copy_recipients(candidates=participants, customer_email=about.customer_email)),
        subject=rendered.subject,
        text=rendered.text,
        thread=thread,
        language=language,
        ticket_id=about.id,
    )
