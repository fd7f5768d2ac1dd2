"""outbound_deliver against a real SMTP server (aiosmtpd on 127.0.0.1) and the local folder."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundMessage, OutboundState
from ventanilla.outbound import send
from ventanilla.outbound.services import outbound_retry_now
from ventanilla.outbound.tasks import outbox_flush
from ventanilla.outbound.tests.support import _free_port, _make_due, _relay, _state
from ventanilla.parse.parsing import parse_message


@pytest.mark.django_db
def test_success(sink, queued):
    row = queued(cc=["Ana <ana@cliente.es>"])
    assert row.recipients == ["lucia@cliente.es", "ana@cliente.es"]
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.SENT
    row = _state(row)
    assert row.state == OutboundState.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.last_error == ""
    [envelope] = sink.accepted
    assert not envelope.smtp_utf8  # asked for only when an address needs it
    assert envelope.mail_from == "soporte@empresa.es"
    assert envelope.rcpt_tos == ["lucia@cliente.es", "ana@cliente.es"]
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Message-ID"] == f"<{row.message_id}>"
    assert received["X-Loop"] == "soporte@empresa.es"
    # Sent rows are never sent again.
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"
    assert len(sink.accepted) == 1


@pytest.mark.django_db
def test_temporary_failure_backs_off_then_sends_exactly_once(sink, queued):
    sink.data_replies = ["451 4.3.0 try again later"]
    row = queued()
    before = timezone.now()
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.QUEUED
    row = _state(row)
    assert row.state == OutboundState.QUEUED
    assert row.attempts == 1
    assert "451" in row.last_error
    # First backoff: between 15 and 30 seconds (30 s with "equal jitter").
    assert before + timedelta(seconds=14) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + timedelta(seconds=31)
    # Not due yet: a second worker (or an early task) does nothing.
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"
    assert outbox_flush.call_local() == 0
    assert sink.accepted == []
    _make_due(row)
    assert outbox_flush.call_local() == 1
    row = _state(row)
    assert row.state == OutboundState.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(sink.accepted) == 1
    assert outbox_flush.call_local() == 0
    assert len(sink.accepted) == 1


@pytest.mark.django_db
def test_temporary_failure_schedules_a_delayed_task(
    sink, queued, django_capture_on_commit_callbacks
):
    sink.data_replies = ["421 4.4.2 closing"]
    row = queued()
    HUEY.storage.flush_schedule()
    with django_capture_on_commit_callbacks(execute=True):
        send.outbound_deliver(outbound_id=row.pk)
    # Immediate mode keeps a task with a future ETA in its schedule instead of running it.
    scheduled = [t for t in HUEY.scheduled() if t.name.endswith("outbox_send")]
    assert [t.args for t in scheduled] == [(row.pk,)]
    assert scheduled[0].eta is not None
    assert sink.accepted == []
    assert _state(row).state == OutboundState.QUEUED
    HUEY.storage.flush_schedule()


@pytest.mark.django_db
def test_backoff_grows_and_is_capped():
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)]:
        delays = [send.retry_delay(attempts) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)


@pytest.mark.django_db
def test_permanent_failure_is_recorded(sink, queued):
    sink.data_replies = ["554 5.7.1 message rejected as spam"]
    row = queued()
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.FAILED
    row = _state(row)
    assert row.state == OutboundState.FAILED
    assert row.last_error.startswith("554")
    assert "rejected as spam" in row.last_error
    assert row.next_attempt_at is None
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"
    assert outbound_retry_now(outbound_id=row.pk) is True
    row = _state(row)
    assert (row.state, row.attempts) == (OutboundState.QUEUED, 0)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.SENT
    assert len(sink.accepted) == 1
    assert outbound_retry_now(outbound_id=row.pk) is False


@pytest.mark.django_db
def test_all_recipients_refused_is_permanent(sink, queued):
    sink.refuse = {"lucia@cliente.es": "550 5.1.1 no such user"}
    row = queued()
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.FAILED
    row = _state(row)
    assert "all recipients refused" in row.last_error
    assert "lucia@cliente.es: 550" in row.last_error


@pytest.mark.django_db
def test_some_recipients_refused_is_sent_with_a_note(sink, queued):
    sink.refuse = {"ana@cliente.es": "550 5.1.1 no such user"}
    row = queued(cc=["ana@cliente.es"])
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.SENT
    row = _state(row)
    assert "ana@cliente.es: 550" in row.last_error
    assert sink.accepted[0].rcpt_tos == ["lucia@cliente.es"]


@pytest.mark.django_db
def test_deferred_recipient_is_temporary(sink, queued):
    sink.refuse = {"lucia@cliente.es": "450 4.2.1 mailbox busy"}
    row = queued()
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.QUEUED
    assert "450" in _state(row).last_error


@pytest.mark.django_db
def test_relay_down_is_retried(settings, queued):
    settings.VENTANILLA_RELAY = _relay(_free_port())  # nothing listens there
    row = queued()
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.QUEUED
    row = _state(row)
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > timezone.now()


@pytest.mark.django_db
def test_gives_up_after_max_attempts(settings, queued):
    settings.VENTANILLA_RELAY = _relay(_free_port())
    row = queued()
    OutboundMessage.objects.filter(pk=row.pk).update(attempts=send.MAX_ATTEMPTS - 1)
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.FAILED
    row = _state(row)
    assert row.attempts == send.MAX_ATTEMPTS
    assert row.last_error.startswith(f"gave up after {send.MAX_ATTEMPTS} attempts")


@pytest.mark.django_db
def test_local_folder_when_no_relay(settings, tmp_path, queued):
    settings.VENTANILLA_RELAY = Relay(
        host="", port=25, user="", password="", starttls=False, timeout=5
    )
    settings.VENTANILLA_OUTBOX_DIR = tmp_path / "outbox"
    row = queued()
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.SENT
    files = list((tmp_path / "outbox").iterdir())
    assert [f.suffix for f in files] == [".eml"]
    assert files[0].name.endswith(f"-{row.pk:08d}.eml")
    assert files[0].read_bytes() == bytes(row.raw)


@pytest.mark.django_db
def test_queue_sends_only_after_commit(
    settings, tmp_path, queued, django_capture_on_commit_callbacks
):
    settings.VENTANILLA_RELAY = Relay(
        host="", port=25, user="", password="", starttls=False, timeout=5
    )
    settings.VENTANILLA_OUTBOX_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = queued()
    assert list(tmp_path.iterdir()) == []
    assert len(callbacks) == 1
    callbacks[0]()  # the commit happened: huey (immediate mode) sends at once
    assert _state(row).state == OutboundState.SENT
    assert len(list(tmp_path.glob("*.eml"))) == 1


@pytest.mark.django_db
def test_a_row_being_sent_is_not_taken_by_another_worker(sink, queued):
    row = queued()
    claimed = send._claim(row.pk)  # worker A claimed it and is talking to the relay
    assert claimed is not None
    assert send.outbound_deliver(outbound_id=row.pk) == "skipped"  # worker B
    assert outbox_flush.call_local() == 0
    assert sink.accepted == []
    assert _state(row).attempts == 1


# --- Internationalised addresses: SMTPUTF8 per message (RFC 6531) ------------------------------


@pytest.mark.django_db
def test_non_ascii_address_is_sent_with_smtputf8(utf8_sink, queued):
    row = queued(to=["Jöhn Doe <jdöe@mächine.example>"])
    assert row.recipients == ["jdöe@xn--mchine-bua.example"]
    assert send.outbound_deliver(outbound_id=row.pk) == OutboundState.SENT
    [envelope] = utf8_sink.accepted
    assert envelope.smtp_utf8
    assert envelope.rcpt_tos == ["jdöe@xn--mchine-bua.example"]
    received = parse_message(envelope.original_content)
    assert [(a.name, a.email) for a in received.to] == [("Jöhn Doe", "jdöe@xn--mchine-bua.example")]


@pytest.mark.django_db
def test_relay_without_smtputf8_fails_such_mail_for_good_but_sends_the_rest(sink, queued):
    utf8 = queued(to=["jdöe@mächine.example"])
    ascii_only = queued(to=["Jörg <jorg@müller.example>"])  # IDNA: no SMTPUTF8 needed
    assert send.outbound_deliver(outbound_id=utf8.pk) == OutboundState.FAILED
    assert "SMTPUTF8" in _state(utf8).last_error
    assert send.outbound_deliver(outbound_id=ascii_only.pk) == OutboundState.SENT
    [envelope] = sink.accepted
    assert envelope.rcpt_tos == ["jorg@xn--mller-kva.example"]
