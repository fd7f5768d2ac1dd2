"""One login limiter for every form: the workspace login, the admin login and ``authenticate``.

The lock lives in the authentication backend, so a failure on one form counts for the others
and a locked account is refused everywhere, even with the right password.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from ventanilla.agents.login import MAX_PER_IP, MAX_PER_USERNAME
from ventanilla.agents.models import LoginAttempt

PASSWORD = "secret-pass-123"
IP = "192.0.2.10"
LOCKED_RE = re.compile(r"(?:Too many failed attempts|Demasiados intentos)\D+(\d+)")


@pytest.fixture
def adan(make_agent):
    """An admin agent: staff and superuser, so both the workspace and the admin site are his."""
    return make_agent("adan", role="admin")


def _workspace(client, username, password, ip=IP):
    return client.post(
        reverse("workspace:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _admin(client, username, password, ip=IP):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_works_and_clears_earlier_failures(client, adan):
    for _ in range(MAX_PER_USERNAME - 1):
        assert _admin(client, "adan", "wrong").status_code == 200
    assert LoginAttempt.objects.filter(username="adan").count() == MAX_PER_USERNAME - 1
    response = _admin(client, "adan", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)
    assert not LoginAttempt.objects.filter(username="adan").exists()


def test_wrong_guesses_on_the_admin_lock_the_workspace(client, adan):
    for _ in range(MAX_PER_USERNAME):
        assert _admin(client, "adan", "wrong").status_code == 200
    assert LoginAttempt.objects.filter(username="adan").count() == MAX_PER_USERNAME
    response = _workspace(client, "adan", PASSWORD)
    assert response.status_code == 200
    assert LOCKED_RE.search(response.content.decode())
    assert not _logged_in(client)


def test_account_locked_by_the_workspace_cannot_log_in_to_the_admin(client, adan):
    for _ in range(MAX_PER_USERNAME):
        assert _workspace(client, "adan", "wrong").status_code == 200
    response = _admin(client, "adan", PASSWORD)
    assert response.status_code == 200  # the admin's form again, not a redirect
    match = LOCKED_RE.search(response.content.decode())
    assert match, response.content.decode()[:3000]
    assert 1 <= int(match[1]) <= 15
    assert not _logged_in(client)


def test_failures_on_both_forms_add_up(client, adan):
    for i in range(MAX_PER_USERNAME):
        login = _admin if i % 2 else _workspace
        assert login(client, "adan", "wrong").status_code == 200
    assert _admin(client, "adan", PASSWORD).status_code == 200
    assert _workspace(client, "adan", PASSWORD).status_code == 200
    assert not _logged_in(client)


def test_thirty_admin_guesses_from_one_address_lock_that_address(client, adan, make_agent):
    make_agent("bea")
    for i in range(30):
        _admin(client, f"guess{i}", "wrong", ip="198.51.100.7")
    assert LoginAttempt.objects.filter(ip="198.51.100.7").count() >= MAX_PER_IP
    # Another account from that address is refused on both forms...
    assert _workspace(client, "bea", PASSWORD, ip="198.51.100.7").status_code == 200
    assert _admin(client, "adan", PASSWORD, ip="198.51.100.7").status_code == 200
    assert not _logged_in(client)
    # ...and accepted from another address.
    assert _admin(client, "adan", PASSWORD, ip="198.51.100.8").status_code == 302


def test_locked_refusals_are_not_counted_again(client, adan):
    """A refused attempt tests no password, so it does not push the lock further out."""
    for _ in range(MAX_PER_USERNAME):
        _workspace(client, "adan", "wrong")
    for _ in range(3):
        _admin(client, "adan", PASSWORD)
    assert LoginAttempt.objects.filter(username="adan").count() == MAX_PER_USERNAME


def test_any_caller_of_authenticate_is_limited(adan):
    """A future form (or an API) that calls ``authenticate`` gets the same limiter."""
    request = RequestFactory().post("/api/login", REMOTE_ADDR=IP)
    for _ in range(MAX_PER_USERNAME):
        assert authenticate(request, username="adan", password="wrong") is None
    assert LoginAttempt.objects.filter(username="adan", ip=IP).count() == MAX_PER_USERNAME
    assert authenticate(request, username="adan", password=PASSWORD) is None
    assert authenticate(None, username="ADAN ", password=PASSWORD) is None


@pytest.mark.django_db(transaction=True)
def test_async_authenticate_is_limited_too(adan):
    """``aauthenticate`` must not take ModelBackend's own async path around the limiter."""
    import asyncio

    from django.contrib.auth import aauthenticate

    async def attempts():
        for _ in range(MAX_PER_USERNAME):
            assert await aauthenticate(None, username="adan", password="wrong") is None
        return await aauthenticate(None, username="adan", password=PASSWORD)

    assert asyncio.run(attempts()) is None
    assert LoginAttempt.objects.filter(username="adan").count() == MAX_PER_USERNAME


class SlowHasher(PBKDF2PasswordHasher):
    """A hash that takes a noticeable time, like argon2 in production (the race window)."""

    iterations = 300_000


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_outrun_the_limit(settings, make_agent):
    """Guesses fired at once each test a password only if the allowance is not used up."""
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    make_agent("adan", role="admin")
    guesses = 3 * MAX_PER_USERNAME
    start = threading.Barrier(guesses)
    results: list[object] = []

    def guess(i: int) -> None:
        request = RequestFactory().post("/admin/login/", REMOTE_ADDR=f"198.51.100.{i + 1}")
        start.wait()
        try:
            results.append(authenticate(request, username="adan", password=f"wrong{i}"))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [None] * guesses
    # Each row is one password actually tested; the rest were refused untested (two claims
    # that see each other over the allowance may both withdraw: fewer tests, never more).
    tested = LoginAttempt.objects.filter(username="adan").count()
    assert 1 <= tested <= MAX_PER_USERNAME
    for _ in range(MAX_PER_USERNAME - tested):
        assert authenticate(None, username="adan", password="wrong") is None
    assert LoginAttempt.objects.filter(username="adan").count() == MAX_PER_USERNAME
    assert authenticate(None, username="adan", password=PASSWORD) is None  # locked now
