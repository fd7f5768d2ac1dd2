"""The wording of automatic mail to customers: the mailbox's own template, else the built-in.

The acknowledgement and the resolution notice are both worded this way: the mailbox's
``MailTemplate`` for (kind, language) when there is one, else the built-in translated
templates ``templates/mail/<kind>_subject.txt`` and ``<kind>_body.txt``. All are Django
templates rendered as plain text (no HTML escaping) with plain values only (see
``kinds.ack.ack_context``), made cheap by ``render``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ventanilla.mail.models import Mailbox, MailTemplate
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.render import (
    compiled,
    mailbox_template,
    render_builtin,
    render_compiled,
)


@dataclass(frozen=True)
class RenderedMail:
    """A rendered automatic mail: one-line subject and plain-text body."""

    subject: str
    text: str


def wording_render(
    *, mailbox: Mailbox, kind: str, language: str, context: Mapping[str, Any]
) -> RenderedMail:
    """Render the mail of ``kind`` in ``language``: the mailbox's template, else the built-in."""
    custom = mailbox_template(mailbox_id=mailbox.pk, kind=kind, language=language)
    if custom is not None:
        return wording_custom(custom, context)
    subject = render_builtin(f"mail/{kind}_subject.txt", language, context)
    text = render_builtin(f"mail/{kind}_body.txt", language, context)
    return RenderedMail(subject=one_line(subject, 998), text=wording_tidy(text))


def wording_custom(template: MailTemplate, context: Mapping[str, Any]) -> RenderedMail:
    """Render a mailbox's ``MailTemplate`` (compiled once per version) in its language.

    The ticket number is put in front of the subject when the template left it out: it is
    what people quote, and our subject-based threading looks for it.
    """
    subject = one_line(render_compiled(compiled(template.subject), template.language, context), 998)
    text = render_compiled(compiled(template.body), template.language, context)
    number = str(context["ticket"]["number"])
    if number not in subject:
        subject = f"[{number}] {subject}"
    return RenderedMail(subject=subject, text=wording_tidy(text))


def wording_tidy(text: str) -> str:
    """Drop blank runs left by template tags and trailing spaces (but keep the "-- " line)."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
