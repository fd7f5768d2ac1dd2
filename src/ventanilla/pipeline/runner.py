"""Run one message through parse → rule chain → handlers (Mailman's ``core/pipelines``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ventanilla.parse.parsing import parse_message
from ventanilla.pipeline import registry
from ventanilla.pipeline.base import Action, Rule
from ventanilla.pipeline.context import Context, MailKind, Outcome

log = logging.getLogger(__name__)


def apply_chain(
    ctx: Context,
    chain: tuple[tuple[str, Action], ...],
    rules: Mapping[str, Rule] | None = None,
) -> None:
    """Check every rule of ``chain`` (from ``rules``, the live ones by default) in order."""
    rules = registry.RULES if rules is None else rules
    for name, action in chain:
        if not rules[name].check(ctx):
            ctx.rule_misses.append(name)
            continue
        ctx.rule_hits.append(name)
        if action is Action.QUARANTINE:
            ctx.stop(Outcome.QUARANTINED, f"rule {name}")
            return
        if action is Action.DISCARD:
            ctx.stop(Outcome.IGNORED, f"rule {name}")
            return
        if action is Action.BOUNCE:
            ctx.kind = MailKind.BOUNCE
        elif action is Action.AUTO_REPLY and ctx.kind is MailKind.MAIL:
            ctx.kind = MailKind.AUTO_REPLY
        ctx.suppress_ack(name)


def _run_handlers(ctx: Context, order: tuple[str, ...]) -> None:
    for name in order:
        if ctx.stopped:
            break
        registry.HANDLERS[name].process(ctx)


def run_pipeline(ctx: Context) -> None:
    """Check the raw bytes, parse, apply the chain, then run the handlers until one stops.

    The chain and the handlers are those of the message's pipeline (``registry.pipeline_for``).
    """
    pipeline = registry.pipeline_for(ctx.inbound.source)
    apply_chain(ctx, registry.RAW_CHAIN)
    if not ctx.stopped:
        ctx.mail = parse_message(ctx.raw)
        ctx.reasons.extend(ctx.mail.notes())  # what parsing salvaged, shown with the message
        apply_chain(ctx, pipeline.chain, pipeline.rules)
        _run_handlers(ctx, pipeline.handlers)
    log.debug(
        "inbound %s (%s): %s hits=%s reasons=%s",
        ctx.inbound.pk,
        pipeline.name,
        ctx.outcome,
        ctx.rule_hits,
        ctx.reasons,
    )
