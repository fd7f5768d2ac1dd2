"""The urgency/impact suggestion rules, as data: each has a name, a description and a verdict.

Keyword rules look for phrases (Spanish and English) in the subject and the customer's new
text, accent- and case-insensitively and on word boundaries ("down" is not "download"). A
phrase is ignored when a negation precedes it in the same clause, within three words ("no
es urgente", "not really urgent"), but not across a comma ("no funciona, es urgente").
The header rule reads the priority headers mail clients set, and the tier rule moves impact
one step for premium or basic customers.

A rule returns `Reason`s: a vote (``level`` high/low) or a ``step`` (+1/-1) on one axis.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ventanilla.customers.models import ServiceTier

# The start of the text says what matters; a pasted log must not slow every new ticket down
# (about 0.1 ms per rule per 1,000 characters).
SCAN_CHARS = 5_000
NEGATORS = frozenset(
    {"no", "not", "nada", "ni", "nunca", "never", "sin", "without", "tampoco", "isnt", "isn't"}
)
_CLAUSE_END = re.compile(r"[.,;:!?¡¿\n()]")


def _base(char: str) -> str:
    """The first code point of ``char``'s NFKD form ("í" → "i"), lowercased, or ``char``."""
    return (unicodedata.normalize("NFKD", char)[:1].lower() or char)[:1]


# Latin-1 and Latin Extended-A (Spanish and its neighbours) plus the typographic apostrophe,
# translated by a table: a per-character NFKD cost 38 ms on a 20,000-character mail.
_FOLD = {code: _base(chr(code)) for code in range(0xC0, 0x180)} | {0x2019: "'"}


def normalise(text: str) -> str:
    """Lowercase ``text`` without accents, keeping its length (so offsets map back)."""
    folded = text.translate(_FOLD).lower()
    if len(folded) == len(text):
        return folded
    # A character whose lowercase is longer ("İ" outside the table's reach): one by one.
    return "".join(_base(char) for char in text.translate(_FOLD))


@dataclass(frozen=True)
class Signals:
    """What the rules read: the normalised text, lowercased header names, the service tier."""

    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    tier: str = ServiceTier.STANDARD
    original: str = ""  # the text before normalising (same length), for quoting reasons


@dataclass(frozen=True)
class Reason:
    """Why a rule moved an axis: a vote for a level, or a step up or down."""

    rule: str
    text: str
    axis: str  # "urgency" | "impact"
    level: str = ""  # "high" | "low" for a vote
    step: int = 0  # +1 / -1 for a step

    def as_json(self) -> dict[str, str]:
        """The form stored in ``Ticket.suggestion["reasons"]``."""
        moved = self.level or f"{self.step:+d}"
        return {"rule": self.rule, "text": self.text, "sets": self.axis, "level": moved}


@dataclass(frozen=True)
class KeywordRule:
    """Vote ``level`` on ``axis`` when one of ``phrases`` (normalised) occurs, not negated."""

    name: str
    description: str | Promise
    axis: str
    level: str
    phrases: tuple[str, ...]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One alternation, longest phrase first, whitespace-tolerant, on word boundaries."""
        parts = sorted(self.phrases, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in parts)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def apply(self, signals: Signals) -> list[Reason]:
        """Return one reason for the first non-negated phrase, or none."""
        text = signals.text[:SCAN_CHARS]
        for match in self.pattern.finditer(text):
            if not negated(text, match.start()):
                quoted = (signals.original or text)[match.start() : match.end()]
                return [Reason(self.name, f"«{' '.join(quoted.split())}»", self.axis, self.level)]
        return []


def negated(text: str, start: int) -> bool:
    """True when one of the three words before ``start``, in the same clause, negates it."""
    before = text[max(0, start - 60) : start]
    clause = _CLAUSE_END.split(before)[-1]
    return any(word in NEGATORS for word in clause.split()[-3:])


# Header -> {value: level}; X-Priority is read by its leading digit (1 (Highest) ... 5 (Lowest)).
_HEADER_LEVELS: dict[str, dict[str, str]] = {
    "x-priority": {"1": "high", "2": "high", "4": "low", "5": "low"},
    "x-msmail-priority": {"high": "high", "low": "low"},
    "importance": {"high": "high", "low": "low"},  # RFC 2156 §5.3
    "priority": {"urgent": "high", "non-urgent": "low"},  # RFC 2156 §5.3
}


@dataclass(frozen=True)
class HeaderRule:
    """Vote on urgency from the priority headers set by the customer's mail client."""

    name: str
    description: str | Promise

    def apply(self, signals: Signals) -> list[Reason]:
        """One reason per priority header whose value means high or low."""
        reasons = []
        for header, levels in _HEADER_LEVELS.items():
            value = signals.headers.get(header, "").strip()
            key = value[:1] if header == "x-priority" else value.lower()
            if key in levels:
                reasons.append(Reason(self.name, f"{header}: {value}", "urgency", levels[key]))
        return reasons


@dataclass(frozen=True)
class TierRule:
    """Step impact up for premium customers and down for basic ones."""

    name: str
    description: str | Promise
    steps: Mapping[str, int] = field(
        default_factory=lambda: {ServiceTier.PREMIUM: 1, ServiceTier.BASIC: -1}
    )

    def apply(self, signals: Signals) -> list[Reason]:
        """One step reason for a tier that moves impact."""
        step = self.steps.get(signals.tier, 0)
        return [Reason(self.name, signals.tier, "impact", step=step)] if step else []


Rule = KeywordRule | HeaderRule | TierRule

RULES: tuple[Rule, ...] = (
    KeywordRule(
        "hurry-words",
        _("The customer asks for speed (urgent, ASAP, immediately)."),
        "urgency",
        "high",
        (
            "urgente",
            "urgentes",
            "urgentemente",
            "urgent",
            "urgently",
            "asap",
            "cuanto antes",
            "lo antes posible",
            "inmediato",
            "inmediata",
            "inmediatamente",
            "immediately",
            "emergencia",
            "emergency",
        ),
    ),
    KeywordRule(
        "work-stopped",
        _("Something is down or blocks the customer's work."),
        "urgency",
        "high",
        (
            "bloqueado",
            "bloqueada",
            "bloqueados",
            "blocked",
            "caido",
            "caida",
            "caidos",
            "down",
            "outage",
            "no funciona",
            "no funcionan",
            "not working",
            "doesn't work",
            "does not work",
            "no puedo",
            "no podemos",
            "cannot",
            "can't",
            "can not",
            "error critico",
            "critical error",
            "fallo critico",
        ),
    ),
    KeywordRule(
        "no-hurry",
        _("The customer says there is no hurry."),
        "urgency",
        "low",
        (
            "sin prisa",
            "no corre prisa",
            "no hay prisa",
            "cuando puedas",
            "cuando podais",
            "no es urgente",
            "nada urgente",
            "not urgent",
            "no rush",
            "no hurry",
            "when you have time",
            "baja prioridad",
            "low priority",
        ),
    ),
    KeywordRule(
        "wide-impact",
        _("Production, a server or many users are affected."),
        "impact",
        "high",
        (
            "produccion",
            "production",
            "todos los usuarios",
            "all users",
            "toda la empresa",
            "whole company",
            "entire company",
            "toda la oficina",
            "todo el mundo",
            "everyone",
            "nadie puede",
            "nobody can",
            "no one can",
            "clientes no pueden",
            "customers cannot",
            "customers can't",
            "servidor",
            "servidores",
            "server",
            "servers",
        ),
    ),
    KeywordRule(
        "single-user",
        _("Only the customer himself is affected."),
        "impact",
        "low",
        (
            "solo a mi",
            "solo me pasa a mi",
            "solo me ocurre a mi",
            "solo yo",
            "just me",
            "only me",
            "only affects me",
            "only happens to me",
        ),
    ),
    HeaderRule(
        "priority-headers",
        _("The mail was sent marked as high or low priority (X-Priority, Importance)."),
    ),
    TierRule(
        "service-tier",
        _("Premium customers' tickets weigh one step more, basic ones one step less."),
    ),
)
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def rule_description(name: str) -> str:
    """The translated description of rule ``name`` (for showing a suggestion's reasons)."""
    rule = RULES_BY_NAME.get(name)
    return str(rule.description) if rule is not None else name
