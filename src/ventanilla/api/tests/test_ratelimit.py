"""Rate limits: 429 with Retry-After and X-RateLimit-* headers, shared by separate processes."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from django.db import connection
from django.test import override_settings

from ventanilla.api.ratelimit import rate_hit


@pytest.mark.django_db
@override_settings(VENTANILLA_API_RATE_PER_TOKEN=3)
def test_token_limit_answers_429(people, tokens, api_client):
    client = api_client(tokens["agent"])
    answers = [client.get("/api/v1/teams") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    limited = answers[3]
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["X-RateLimit-Limit"] == "3"
    # Another token has its own allowance.
    assert api_client(tokens["supervisor"]).get("/api/v1/teams").status_code == 200


@pytest.mark.django_db
@override_settings(VENTANILLA_API_RATE_PER_IP=2)
def test_address_limit_covers_anonymous_callers(api_client):
    client = api_client(None)
    statuses = [client.get("/api/v1/teams").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def _count_in_child(bucket: str, n: int, queue) -> None:
    # A separate process: its own interpreter and its own database connection.
    connection.close()
    seen = [rate_hit(bucket=bucket, limit=1000, window_seconds=3600).remaining for _ in range(n)]
    connection.close()
    queue.put(seen)


@pytest.mark.django_db(transaction=True)
def test_counts_are_shared_across_processes():
    if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
        pytest.fail("needs a database file the child processes can open")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [
        context.Process(target=_count_in_child, args=("tok:shared", 25, queue)) for _ in range(2)
    ]
    connection.close()
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0, os.strerror(child.exitcode or 0)
    remaining = sorted(r for seen in results for r in seen)
    # 50 hits counted once each across both processes: remaining 999..950, no duplicates.
    assert remaining == list(range(950, 1000))
