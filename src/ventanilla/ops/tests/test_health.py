"""``/healthz`` and ``ventanilla status``: each kind of trouble is named, and answers 503/exit 1."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import ImapAccount, InboundMessage, OutboundMessage
from ventanilla.outbound.tests.drafts import outbound_queue


def _get(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def _codes(body) -> list[str]:
    return [p["code"] for p in body["problems"]]


def _store(raw: bytes, *, age_seconds: float = 0) -> InboundMessage:
    inbound = ingest_raw(raw, source="smtp", envelope_to=["soporte@empresa.es"], process=False)
    then = timezone.now() - timedelta(seconds=age_seconds)
    InboundMessage.objects.filter(pk=inbound.inbound.pk).update(received_at=then)
    return inbound.inbound


def _queue(mailbox, *, age_seconds: float) -> OutboundMessage:
    row = outbound_queue(
        mailbox=mailbox,
        ticket=None,
        kind="reply",
        to=["lucia@cliente.es"],
        subject="Hola",
        text=".",
    )
    then = timezone.now() - timedelta(seconds=age_seconds)
    OutboundMessage.objects.filter(pk=row.pk).update(created_at=then)
    return row


def test_healthy_system_answers_200_with_figures(admin_client, mailbox, make_mail):
    status, body = _get(admin_client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["problems"] == []
    assert body["intake_received"] == 0
    assert body["intake_lag_seconds"] is None
    assert body["outbox_oldest_seconds"] is None


def test_fresh_waiting_mail_is_reported_but_not_a_problem(
    admin_client, settings, mailbox, make_mail
):
    settings.VENTANILLA_HEALTH_INTAKE_LAG_SECONDS = 600
    _store(make_mail(subject="uno"), age_seconds=30)
    status, body = _get(admin_client)
    assert status == 200
    assert body["intake_received"] == 1
    assert 29 <= body["intake_lag_seconds"] < 600


def test_stalled_intake_answers_503_and_names_it(admin_client, settings, mailbox, make_mail):
    settings.VENTANILLA_HEALTH_INTAKE_LAG_SECONDS = 600
    _store(make_mail(subject="uno"), age_seconds=30)
    _store(make_mail(subject="dos"), age_seconds=900)
    status, body = _get(admin_client)
    assert status == 503
    assert body["status"] == "degraded"
    assert _codes(body) == ["intake_stalled"]
    assert body["intake_received"] == 2
    assert body["intake_lag_seconds"] >= 900
    assert "2" in body["problems"][0]["message"]


def test_failed_outgoing_mail_is_counted_but_not_a_problem(client, mailbox):
    row = _queue(mailbox, age_seconds=0)
    OutboundMessage.objects.filter(pk=row.pk).update(state="failed")
    status, body = _get(client)
    assert status == 200  # a refused recipient (5xx) is shown in the admin; mail still flows
    assert body["outbound_failed"] == 1
    assert body["outbox_queued"] == 0


def test_quarantined_mail_makes_health_degraded(client, admin_client, mailbox, make_mail):
    """A quarantined message is a customer's mail that reached no ticket: someone must look."""
    inbound = _store(make_mail())
    InboundMessage.objects.filter(pk=inbound.pk).update(state="quarantined")
    status, body = _get(client)
    assert status == 503
    assert body["status"] == "degraded"
    assert _codes(body) == ["quarantine"]
    assert body["quarantined"] == 1
    assert body["intake_received"] == 0
    response = admin_client.get("/healthz", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "1 message in quarantine" in response.json()["problems"][0]["message"]


def test_stalled_outbox_answers_503(admin_client, settings, mailbox):
    settings.VENTANILLA_HEALTH_OUTBOX_AGE_SECONDS = 3600
    _queue(mailbox, age_seconds=60)
    status, body = _get(admin_client)
    assert (status, body["outbox_queued"]) == (200, 1)
    _queue(mailbox, age_seconds=7200)
    status, body = _get(admin_client)
    assert status == 503
    assert _codes(body) == ["outbox_stalled"]
    assert body["outbox_queued"] == 2
    assert body["outbox_oldest_seconds"] >= 7200


def _account(mailbox, name: str, **fields) -> ImapAccount:
    return ImapAccount.objects.create(
        mailbox=mailbox, name=name, host="imap.example", username="u", **fields
    )


def test_imap_account_failing_too_long_answers_503(admin_client, settings, mailbox):
    settings.VENTANILLA_HEALTH_IMAP_STALE_SECONDS = 900
    now = timezone.now()
    _account(mailbox, "fine", last_success_at=now, last_poll_at=now)
    _account(  # one failed poll a minute after a success: not yet a problem
        mailbox, "blip", last_success_at=now - timedelta(seconds=60), failures=1, poll_seconds=60
    )
    _account(mailbox, "off", enabled=False, failures=50, last_error="disabled anyway")
    status, body = _get(admin_client)
    assert status == 200, body
    assert [a["name"] for a in body["imap"]] == ["blip", "fine", "off"]
    assert body["imap"][0]["failures"] == 1
    _account(
        mailbox,
        "broken",
        last_success_at=now - timedelta(hours=2),
        last_poll_at=now,
        failures=120,
        last_error="LOGIN failed",
    )
    _account(mailbox, "never", failures=20, poll_seconds=60, last_error="connection refused")
    status, body = _get(admin_client)
    assert status == 503
    assert _codes(body) == ["imap_failing", "imap_failing"]
    messages = " ".join(p["message"] for p in body["problems"])
    assert "broken" in messages
    assert "LOGIN failed" in messages
    assert "never" in messages


@pytest.mark.django_db(transaction=True)
def test_database_unavailable_answers_503(client, mailbox):
    table = connection.ops.quote_name(InboundMessage._meta.db_table)
    away = connection.ops.quote_name(f"{InboundMessage._meta.db_table}_away")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {away}")
    try:
        status, body = _get(client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {away} RENAME TO {table}")
    assert status == 503
    assert body["database"] is False
    assert _codes(body) == ["database"]


def test_status_command_prints_a_table_and_exits_0(capsys, mailbox, make_mail):
    _store(make_mail())
    with translation.override("en"):
        call_command("status")
    out = capsys.readouterr().out
    assert "status" in out
    assert "ok" in out
    assert "1" in out.split("messages waiting", 1)[1].splitlines()[0]


def test_status_command_json_exits_1_when_degraded(capsys, settings, mailbox, make_mail):
    settings.VENTANILLA_HEALTH_INTAKE_LAG_SECONDS = 60
    _store(make_mail(), age_seconds=120)
    with pytest.raises(SystemExit) as exited:
        call_command("status", "--json")
    assert exited.value.code == 1
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "degraded"
    assert _codes(body) == ["intake_stalled"]


def test_status_command_table_names_the_problem(capsys, settings, mailbox, make_mail):
    settings.VENTANILLA_HEALTH_INTAKE_LAG_SECONDS = 60
    _store(make_mail(), age_seconds=120)
    with pytest.raises(SystemExit) as exited:
        call_command("status")
    assert exited.value.code == 1
    assert "! " in capsys.readouterr().out


def test_status_command_shows_quarantine_in_detail(capsys, mailbox, make_mail):
    inbound = _store(make_mail())
    InboundMessage.objects.filter(pk=inbound.pk).update(state="quarantined")
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        call_command("status")
    assert exited.value.code == 1
    assert "! 1 message in quarantine" in capsys.readouterr().out


SECRET_ERROR = "connect to imap.intranet.lan (10.20.30.40) failed: LOGIN as soporte@empresa.es"


def _failing_account(mailbox) -> ImapAccount:
    return _account(
        mailbox,
        "buzon-interno-ventas",
        last_success_at=timezone.now() - timedelta(hours=2),
        failures=120,
        last_error=SECRET_ERROR,
    )


def test_anonymous_health_is_status_codes_and_counts_only(client, settings, mailbox):
    settings.VENTANILLA_HEALTH_IMAP_STALE_SECONDS = 900
    _failing_account(mailbox)
    _account(mailbox, "otra", last_success_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body == {
        "status": "degraded",
        "database": True,
        "intake_received": 0,
        "quarantined": 0,
        "outbox_queued": 0,
        "outbound_failed": 0,
        "imap_accounts": 2,
        "imap_failing": 1,
        "hosts": 0,
        "processes_dead": 0,
        "problems": [{"code": "imap_failing"}],
    }
    text = response.content.decode()
    for secret in ("buzon-interno-ventas", "10.20.30.40", "imap.intranet.lan", "LOGIN"):
        assert secret not in text


@pytest.mark.parametrize(("role", "details"), [("agent", False), ("supervisor", False)])
def test_agents_who_are_not_admins_get_the_anonymous_answer(
    client, settings, mailbox, make_agent, role, details
):
    settings.VENTANILLA_HEALTH_IMAP_STALE_SECONDS = 900
    _failing_account(mailbox)
    client.force_login(make_agent("ana", role=role))
    text = client.get("/healthz").content.decode()
    assert ("10.20.30.40" in text) is details
    assert ("buzon-interno-ventas" in text) is details


def test_signed_in_admin_gets_the_details(client, settings, mailbox, make_agent):
    settings.VENTANILLA_HEALTH_IMAP_STALE_SECONDS = 900
    _failing_account(mailbox)
    client.force_login(make_agent("adan", role="admin"))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["imap"][0]["name"] == "buzon-interno-ventas"
    assert body["imap"][0]["last_error"] == SECRET_ERROR
    assert "10.20.30.40" in body["problems"][0]["message"]


def test_status_command_keeps_the_details(capsys, settings, mailbox):
    settings.VENTANILLA_HEALTH_IMAP_STALE_SECONDS = 900
    _failing_account(mailbox)
    with pytest.raises(SystemExit):
        call_command("status", "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["imap"][0]["last_error"] == SECRET_ERROR
