"""``Idempotency-Key``: a repeat replays, another body is refused, concurrent duplicates make one.

The concurrent test runs two real threads, each with its own database connection, so it needs
committed data (``transaction=True``): on PostgreSQL the unique constraint decides, and the
loser waits for the winner's stored response.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from ventanilla.api.models import IdempotencyRecord
from ventanilla.tickets.models import Ticket

BODY = {"customer_email": "pepe@cliente.es", "subject": "Sin luz", "text": "No hay luz."}


def _post(client: Client, body: dict[str, str], key: str):
    return client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.django_db
def test_same_key_same_body_replays(mailbox, people, tokens, api_client):
    client = api_client(tokens["agent"])
    first = _post(client, BODY, "k-1")
    again = _post(client, BODY, "k-1")
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_same_key_other_body_is_422(mailbox, people, tokens, api_client):
    client = api_client(tokens["agent"])
    assert _post(client, BODY, "k-2").status_code == 201
    refused = _post(client, {**BODY, "text": "Otra cosa."}, "k-2")
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:ventanilla:problem:idempotency-key-reuse"
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_credential(mailbox, people, tokens, api_client):
    assert _post(api_client(tokens["agent"]), BODY, "shared").status_code == 201
    assert _post(api_client(tokens["supervisor"]), BODY, "shared").status_code == 201
    # Another credential's key is another key: its request runs (a second ticket).
    assert Ticket.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 2


@pytest.mark.django_db
def test_without_key_each_post_runs(mailbox, people, tokens, api_client):
    client = api_client(tokens["agent"])
    note = {"text": "x"}
    ticket_number = _post(client, BODY, "k-3").json()["number"]
    for _ in range(2):
        client.post(f"/api/v1/tickets/{ticket_number}/notes", note, content_type="application/json")
    assert Ticket.objects.get(number=ticket_number).articles.filter(kind="note").count() == 2


@pytest.mark.django_db
def test_prune_drops_old_records(mailbox, people, tokens, api_client):
    from datetime import timedelta

    from django.utils import timezone

    from ventanilla.api.idempotency import idempotency_prune

    _post(api_client(tokens["agent"]), BODY, "k-4")
    assert idempotency_prune(now=timezone.now() + timedelta(hours=23)) == 0
    assert idempotency_prune(now=timezone.now() + timedelta(hours=25)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_ticket(mailbox, people, tokens):
    secret = tokens["agent"]
    barrier = threading.Barrier(2)
    results: list[tuple[int, bytes]] = []

    def call():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            barrier.wait()
            response = _post(client, BODY, "same-key")
            results.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [status for status, _ in results] == [201, 201]
    assert results[0][1] == results[1][1]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_periodic_prune_task_runs(mailbox, people, tokens, api_client):
    from ventanilla.api.models import RateCounter
    from ventanilla.api.tasks import api_prune

    _post(api_client(tokens["agent"]), BODY, "k-5")
    RateCounter.objects.create(bucket="ip:old", slot=1, hits=3)
    api_prune.call_local()
    assert not RateCounter.objects.filter(bucket="ip:old").exists()
    assert IdempotencyRecord.objects.filter(key="k-5").exists()  # younger than 24 h
