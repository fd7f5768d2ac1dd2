"""``core.links``: the token's round trip, its lifetime, key rotation, and what it refuses."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.test import override_settings

from ventanilla.core.links import ticket_link_token, ticket_link_verify

IDS = {"ticket_id": 42, "customer_id": 7, "ticket_generation": 3, "customer_generation": 0}
DAY = 86_400


def test_round_trip():
    token = ticket_link_token(**IDS)
    assert ticket_link_verify(token, max_age=DAY) == (42, 7, 3, 0)
    assert "42" not in token.split(":")[0]  # base 36 (no ticket number in the link)


def test_expired_after_max_age():
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * DAY):
        token = ticket_link_token(**IDS)
    assert ticket_link_verify(token, max_age=DAY) is None
    assert ticket_link_verify(token, max_age=3 * DAY) is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "1-7-3-0" + t[t.index(":") :],
        lambda t: t.replace(":", "", 1),
        lambda t: "",
        lambda t: "SOP-2026-00042",
    ],
)
def test_tampered_tokens_are_refused(mangle):
    assert ticket_link_verify(mangle(ticket_link_token(**IDS)), max_age=DAY) is None


def test_links_survive_a_key_rotation_and_die_with_the_old_key():
    token = ticket_link_token(**IDS)
    with override_settings(SECRET_KEY="new-key-" * 8, SECRET_KEY_FALLBACKS=["x"]):
        assert ticket_link_verify(token, max_age=DAY) is None
    from django.conf import settings

    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="new-key-" * 8, SECRET_KEY_FALLBACKS=[old]):
        assert ticket_link_verify(token, max_age=DAY) == (42, 7, 3, 0)
