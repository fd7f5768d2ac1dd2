"""The weekly summary: to supervisors and admins who did not opt out, through the outbox."""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest

from ventanilla.reports.summary import last_week, summary_opt_set, weekly_summaries_queue

pytestmark = pytest.mark.django_db


def test_last_week_is_monday_to_sunday_before():
    period = last_week(date(2026, 12, 9))  # a Wednesday
    assert (period.first, period.last) == (date(2026, 11, 30), date(2026, 12, 6))


def test_summary_goes_to_supervisors_and_admins_who_did_not_opt_out(mailbox, make_agent):
    make_agent("ana")  # an agent: no summary
    make_agent("sup", role="supervisor")
    boss = make_agent("jefa", role="admin")
    quiet = make_agent("calla", role="supervisor")
    summary_opt_set(user_id=quiet.pk, receive=False)
    queued = weekly_summaries_queue(today=date(2026, 12, 9))
    assert sorted(r for m in queued for r in m.recipients) == ["jefa@empresa.es", "sup@empresa.es"]
    raw = next(bytes(m.raw) for m in queued if "jefa@empresa.es" in m.recipients)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Auto-Submitted"].startswith("auto-")
    part = message.get_body()
    assert part is not None
    body = part.get_content()
    assert "/reports/?first=2026-11-30&last=2026-12-06" in body
    assert boss.email in message["To"]
