"""Who may read which report: supervisors and admins the team's, every agent his own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from ventanilla.agents.permissions import can_view_own_figures, can_view_reports


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "team_reports", "own"),
    [("agent", False, True), ("supervisor", True, True), ("admin", True, True)],
)
def test_report_permissions_by_role(make_agent, role, team_reports, own):
    user = make_agent(f"u-{role}", role=role)
    assert can_view_reports(user) is team_reports
    assert can_view_own_figures(user) is own


@pytest.mark.django_db
def test_no_reports_for_anonymous_or_users_without_agent_profile():
    plain = User.objects.create_user("cliente", password="x-123456789")
    for user in (AnonymousUser(), plain):
        assert not can_view_reports(user)
        assert not can_view_own_figures(user)
