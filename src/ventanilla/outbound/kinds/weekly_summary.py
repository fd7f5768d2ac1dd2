"""The weekly summary mail to supervisors: last week's headline figures and a link.

It goes to a member of the team, not to a customer, about no ticket: a plain Message-ID
and no thread. It is automatic mail (``Auto-Submitted``, RFC 3834 §5): nobody wrote it at
that moment, and vacation responders must stay quiet. The figures come as plain text
values from the reports app, which also decides who receives it (supervisors and admins
who did not opt out).
"""

from __future__ import annotations

from dataclasses import dataclass

from ventanilla.core.signing import make_plain_message_id
from ventanilla.mail.models import Mailbox, OutboundKind
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.draft import Draft
from ventanilla.outbound.kinds.notification import NotifiedAgent
from ventanilla.outbound.render import render_builtin


@dataclass(frozen=True)
class WeeklyFigures:
    """Last week's figures, already written for people (numbers, durations, shares)."""

    first_day: str
    last_day: str
    created: str
    resolved: str
    backlog: str
    first_response_median: str
    resolution_median: str
    first_response_sla: str
    resolution_sla: str
    good_ratings: str
    url: str


def weekly_summary_draft(
    *, agent: NotifiedAgent, figures: WeeklyFigures, mailbox: Mailbox
) -> Draft:
    """Return the weekly summary mail of ``figures`` for ``agent``, sent from ``mailbox``."""
    context = {"agent_name": agent.greeting_name, "f": figures.__dict__}
    subject = render_builtin("mail/weekly_summary_subject.txt", agent.language, context)
    body = render_builtin("mail/weekly_summary_body.txt", agent.language, context)
    name = one_line(agent.display_name, 200).replace('"', "")
    return Draft(
        mailbox=mailbox,
        kind=OutboundKind.NOTIFICATION,
        message_id=make_plain_message_id(domain=mailbox.domain),
        to=(f'"{name}" <{agent.email}>',),
        subject=one_line(subject, 998),
        text=body.strip() + "\n",
        automatic=True,
        language=agent.language,
    )
