"""The runner: raw checks before parsing, the chain's actions, handlers until a stop."""

from __future__ import annotations

import pytest

from ventanilla.pipeline.context import MailKind, Outcome
from ventanilla.pipeline.runner import run_pipeline

pytestmark = pytest.mark.django_db


def test_oversize_mail_is_quarantined_without_parsing(make_ctx, make_mail, mailbox):
    mailbox.max_message_bytes = 500
    ctx = make_ctx(make_mail(body="x" * 2000))
    ctx.mail = None
    run_pipeline(ctx)
    assert ctx.outcome is Outcome.QUARANTINED
    assert ctx.rule_hits == ["oversize"]
    assert ctx.mail is None


def test_automatic_mail_hits_are_recorded_and_suppress_the_ack(make_ctx, make_mail):
    ctx = make_ctx(make_mail(headers={"Auto-Submitted": "auto-replied"}))
    run_pipeline(ctx)
    assert "auto-submitted" in ctx.rule_hits
    assert "loop" in ctx.rule_misses
    assert ctx.kind is MailKind.AUTO_REPLY
    assert "auto-submitted" in ctx.no_ack
    # It refers to no ticket, so it is ignored rather than opening one.
    assert ctx.outcome is Outcome.IGNORED
