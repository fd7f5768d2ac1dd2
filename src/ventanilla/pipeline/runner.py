"""Run one message through parse → rule chain → handlers (Mailman's ``core/pipelines``)."""

from __future__ import annotations

import logging

from ventanilla.parse.parsing import parse_message
from ventanilla.pipeline import registry
from ventanilla.pipeline.base import Action
from ventanilla.pipeline.context import Context, MailKind, Outcome

log = logging.getLogger(__name__)


def apply_chain(ctx: Context, chain: tuple[tuple[str, Action], ...]) -> None:
    """Check every rule of ``chain`` in order and apply each hit's action."""
    for name, action in chain:
        if not registry.RULES[name].check(ctx):
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


def _run_handlers(ctx: Context) -> None:
    for name in registry.INBOUND_PIPELINE:
        if ctx.stopped:
            break
        registry.HANDLERS[name].process(ctx)


def run_pipeline(ctx: Context) -> None:
    """Check the raw bytes, parse, apply the chain, then run the handlers until one stops."""
    apply_chain(ctx, registry.RAW_CHAIN)
    if not ctx.stopped:
        ctx.mail = parse_message(ctx.raw)
        ctx.reasons.extend(ctx.mail.notes())  # what parsing salvaged, shown with the message
        apply_chain(ctx, registry.INBOUND_CHAIN)
        _run_handlers(ctx)
    log.debug(
        "inbound %s: %s hits=%s reasons=%s", ctx.inbound.pk, ctx.outcome, ctx.rule_hits, ctx.reasons
    )
