"""The sensitive-action log: sign-ins, role changes with their author, and no edits from the UI."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ventanilla.agents.audit import acting_as, sensitive_action_record
from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind

PASSWORD = "secret-pass-123"


@pytest.fixture
def adan(make_agent):
    """An admin agent (staff and superuser)."""
    return make_agent("adan", role="admin")


def _rows(kind: str, target: str) -> list[SensitiveAction]:
    return list(SensitiveAction.objects.filter(kind=kind, target=target).order_by("id"))


def test_sign_in_and_failed_sign_in_are_logged_with_the_address(client, make_agent):
    make_agent("ana")
    client.post(
        reverse("workspace:login"),
        {"username": "ana", "password": "wrong-password"},
        REMOTE_ADDR="192.0.2.7",
    )
    client.post(
        reverse("workspace:login"),
        {"username": "ana", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.8",
    )
    failed = _rows(SensitiveKind.SIGNIN_FAILED, "user:ana")
    signed = _rows(SensitiveKind.SIGNIN, "user:ana")
    assert [(r.ip, r.actor_id) for r in failed] == [("192.0.2.7", None)]
    assert [(r.ip, r.actor_name) for r in signed] == [("192.0.2.8", "ana")]
    # The password never reaches the log.
    assert "wrong-password" not in str(failed[0].data)


def test_role_changes_record_before_after_and_author(adan, make_agent, team):
    ana = make_agent("ana")
    SensitiveAction.objects.all().delete()
    with acting_as(user=adan, ip="192.0.2.1"):
        ana.is_staff = True
        ana.save()
        ana.agent.role = "supervisor"
        ana.agent.save()
        ana.groups.add(Group.objects.create(name="Auditores"))
        team.members.add(ana)
        team.members.remove(ana)
        ana.save(update_fields=["last_login"])  # not a role change: nothing logged
    rows = _rows(SensitiveKind.ROLE_CHANGED, "user:ana")
    assert [r.data for r in rows] == [
        {"is_staff": [False, True]},
        {"role": ["agent", "supervisor"]},
        {"groups": {"added": ["Auditores"]}},
        {"teams": {"added": ["Soporte"]}},
        {"teams": {"removed": ["Soporte"]}},
    ]
    assert {(r.actor_id, r.actor_name, r.ip) for r in rows} == {(adan.pk, "adan", "192.0.2.1")}


def test_admin_role_change_through_the_admin_site_names_the_admin(client, adan, make_agent):
    ana = make_agent("ana")
    client.force_login(adan)
    url = reverse("admin:auth_user_change", args=[ana.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "username": "ana",
        "email": ana.email,
        "is_active": "on",
        "is_staff": "on" if ana.is_staff else "",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    client.post(url, data, REMOTE_ADDR="192.0.2.9")
    ana.refresh_from_db()
    assert ana.is_superuser
    row = _rows(SensitiveKind.ROLE_CHANGED, "user:ana")[-1]
    assert row.data == {"is_superuser": [False, True]}
    assert (row.actor_name, row.ip) == ("adan", "192.0.2.9")


def test_the_log_cannot_be_added_changed_or_deleted_from_the_admin(client, adan):
    row = sensitive_action_record(
        kind=SensitiveKind.EXPORT, target="customer:1", data={"tickets": 2}, actor=adan
    )
    client.force_login(adan)
    listing = client.get(reverse("admin:agents_sensitiveaction_changelist"))
    assert listing.status_code == 200
    assert b"customer:1" in listing.content
    detail = client.get(reverse("admin:agents_sensitiveaction_change", args=[row.pk]))
    assert detail.status_code == 200  # a superuser reads it...
    assert b'name="target"' not in detail.content  # ...as text, not as a form field
    assert client.get(reverse("admin:agents_sensitiveaction_add")).status_code == 403
    edited = client.post(
        reverse("admin:agents_sensitiveaction_change", args=[row.pk]),
        {"kind": "signin", "target": "nobody", "data": "{}"},
    )
    assert edited.status_code == 403
    deleted = client.post(
        reverse("admin:agents_sensitiveaction_delete", args=[row.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    bulk = client.post(
        reverse("admin:agents_sensitiveaction_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    row.refresh_from_db()
    assert (row.kind, row.target) == (SensitiveKind.EXPORT, "customer:1")
    assert SensitiveAction.objects.filter(pk=row.pk).exists()
