"""Fixtures of the readable-ticket tests: agents with names (and one without), in es and en."""

from __future__ import annotations

import pytest


@pytest.fixture
def agents(make_agent, teams):
    """Agents with names (and one without), reading Spanish and English."""
    team_a = teams[0]
    return {
        "es": make_agent("pepe", teams=[team_a], first_name="José", last_name="Gil"),
        "en": make_agent(
            "emma", teams=[team_a], language="en", first_name="Emma", last_name="Stone"
        ),
        "ana": make_agent("ana.r", teams=[team_a], first_name="Ana", last_name="Ruiz"),
        "sup": make_agent("sara", role="supervisor", first_name="Sara", last_name="Díaz"),
    }
