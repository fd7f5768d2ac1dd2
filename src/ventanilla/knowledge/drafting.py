"""What an article drafted from a ticket says: title and body built from the ticket (pure).

The draft is the ticket's subject, the customer's description (the new text of the first
mail, without quoted history) and the agent's resolution note, with the personal data of
everyone the ticket names replaced by placeholders (``scrub.py``). The author reviews it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ventanilla.knowledge.scrub import KnownPersonalData, scrub_personal_data

# Reply/forward prefixes in the languages our customers write (RFC 5322 §3.6.5 "Re:").
_PREFIX = re.compile(r"^\s*(?:(?:re|rv|fw|fwd|tr|aw|wg|res|enc)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
# Our own ticket reference in the subject: "[SOP-2026-00042]".
_TICKET_REF = re.compile(r"\s*\[?\b[A-Z][A-Z0-9]{0,9}-\d{4}-\d{3,}\b\]?\s*")

HEADINGS = {
    "es": ("Problema", "Solución", "Artículo sin título"),
    "en": ("Problem", "Solution", "Untitled article"),
}


@dataclass(frozen=True)
class TicketFacts:
    """The parts of a ticket an article is drafted from."""

    subject: str
    description: str
    resolution: str
    language: str
    known: KnownPersonalData


@dataclass(frozen=True)
class DraftText:
    """The title and Markdown body of the draft."""

    title: str
    body: str


def draft_language(ticket_language: str) -> str:
    """The article's language: the ticket's when it is one we write in, else Spanish."""
    return ticket_language if ticket_language in HEADINGS else "es"


def draft_from_facts(facts: TicketFacts) -> DraftText:
    """Return the scrubbed title and body of an article drafted from ``facts``."""
    language = draft_language(facts.language)
    problem, solution, untitled = HEADINGS[language]
    subject = _TICKET_REF.sub(" ", _PREFIX.sub("", facts.subject)).strip()
    title = scrub_personal_data(subject, known=facts.known, language=language) or untitled
    parts = [f"**{problem}**", facts.description.strip(), f"**{solution}**"]
    parts.append(facts.resolution.strip())
    body = "\n\n".join(part for part in parts if part)
    return DraftText(
        title=title[:200],
        body=scrub_personal_data(body, known=facts.known, language=language),
    )
