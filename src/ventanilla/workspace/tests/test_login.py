"""Login through the real form: success, failure, and rate limiting per username and per IP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ventanilla.agents.login import MAX_PER_IP, MAX_PER_USERNAME, login_lock
from ventanilla.agents.models import LoginAttempt

PASSWORD = "secret-pass-123"
LOCKED_RE = re.compile(r"(?:Too many failed attempts|Demasiados intentos)\D+(\d+)")


def _login(client, username, password, ip="192.0.2.10"):
    return client.post(
        reverse("workspace:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def ana(make_agent):
    return make_agent("ana")


def test_login_and_logout(client, ana):
    response = _login(client, "ana", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert client.get(reverse("workspace:inbox", args=["mine"])).status_code == 200
    assert client.post(reverse("workspace:logout")).status_code == 302
    assert client.get(reverse("workspace:inbox", args=["mine"])).status_code == 302


def test_login_page_renders_in_spanish_by_default(client, db):
    body = client.get(reverse("workspace:login")).content.decode()
    assert '<html lang="es">' in body
    assert "Contraseña" in body or "Password" in body


def test_username_locked_after_failures_even_with_right_password(client, ana):
    for _ in range(MAX_PER_USERNAME):
        assert _login(client, "ana", "wrong").status_code == 200
    response = _login(client, "ana", PASSWORD)
    assert response.status_code == 200  # the form again, not a redirect
    match = LOCKED_RE.search(response.content.decode())
    assert match, response.content.decode()[:2000]
    assert 1 <= int(match[1]) <= 15
    assert "_auth_user_id" not in client.session


def test_lock_lifts_when_the_window_passes(client, ana):
    for _ in range(MAX_PER_USERNAME):
        _login(client, "ana", "wrong")
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _login(client, "ana", PASSWORD).status_code == 302


def test_other_usernames_are_not_locked_by_one(client, ana, make_agent):
    make_agent("bea")
    for _ in range(MAX_PER_USERNAME):
        _login(client, "ana", "wrong")
    assert _login(client, "bea", PASSWORD).status_code == 302


def test_ip_locked_after_many_usernames(client, ana):
    for i in range(MAX_PER_IP):
        _login(client, f"nobody{i}", "wrong", ip="198.51.100.7")
    assert _login(client, "ana", PASSWORD, ip="198.51.100.7").status_code == 200
    # The same person from another address is fine (per-username count is 0 for ana).
    assert _login(client, "ana", PASSWORD, ip="198.51.100.8").status_code == 302


def test_success_forgets_failures(client, ana):
    for _ in range(MAX_PER_USERNAME - 1):
        _login(client, "ana", "wrong")
    assert _login(client, "ana", PASSWORD).status_code == 302
    assert not LoginAttempt.objects.filter(username="ana").exists()


def test_lock_minutes_count_from_the_oldest_counting_attempt(db):
    now = timezone.now()
    for minutes_ago in (14, 10, 5, 3, 1):
        row = LoginAttempt.objects.create(username="ana", ip=None)
        LoginAttempt.objects.filter(pk=row.pk).update(at=now - timedelta(minutes=minutes_ago))
    lock = login_lock(username="ANA ", ip=None, now=now)
    assert lock.locked
    assert lock.minutes == 1  # the attempt 14 min ago leaves the 15-min window in 1 min
    assert not login_lock(username="ana", ip=None, now=now + timedelta(minutes=2)).locked
