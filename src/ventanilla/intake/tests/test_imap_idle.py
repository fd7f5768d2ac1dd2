"""IMAP IDLE (RFC 2177) against a real Dovecot: mail delivered while we idle arrives at once."""

from __future__ import annotations

import threading
import time

import pytest

from ventanilla.intake import imap_loop
from ventanilla.intake.imap import PollResult
from ventanilla.mail.models import ImapAccount, InboundMessage
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class RecordingWatcher(imap_loop.IdleWatcher):
    """A watcher that keeps every poll result."""

    def __init__(self, account):
        self.polls: list[PollResult] = []
        super().__init__(account, on_poll=self.polls.append)


@pytest.fixture
def watcher(account):
    watcher = RecordingWatcher(account)
    watcher.start()
    yield watcher
    watcher.stop()
    watcher.join(timeout=10)
    assert not watcher.is_alive(), "the watcher must end within seconds of stop()"


def test_mail_waiting_before_idle_is_fetched_first(dovecot, imap_user, make_mail, account):
    dovecot.deliver(imap_user, make_mail(subject="Antes del IDLE"))
    watcher = imap_loop.IdleWatcher(account)
    watcher.start()
    try:
        assert _wait(lambda: InboundMessage.objects.exists())
        assert watcher.idling.wait(5)
    finally:
        watcher.stop()
        watcher.join(10)
    assert InboundMessage.objects.get().subject == "Antes del IDLE"


def test_mail_delivered_while_idling_is_ingested_within_seconds(
    dovecot, imap_user, make_mail, watcher
):
    assert watcher.idling.wait(10), "the watcher never entered IDLE"
    assert watcher.polls[0].fetched == 0
    started = time.monotonic()
    dovecot.deliver(imap_user, make_mail(subject="Empujado por IDLE"))
    assert _wait(lambda: InboundMessage.objects.exists(), timeout=5)
    latency = time.monotonic() - started
    assert latency < 3.0, f"IDLE push took {latency:.2f} s"
    # Processing runs after the commit, in the watcher's thread: wait for the ticket too.
    assert _wait(lambda: Ticket.objects.filter(subject="Empujado por IDLE").exists())
    # Back in IDLE for the next one, which is fetched alone.
    assert _wait(lambda: len(watcher.polls) == 2 and watcher.idling.is_set())
    dovecot.deliver(imap_user, make_mail(subject="Segundo"))
    assert _wait(lambda: InboundMessage.objects.count() == 2, timeout=5)
    assert _wait(lambda: len(watcher.polls) >= 3)
    assert [p.fetched for p in watcher.polls] == [0, 1, 1]


def test_idle_watcher_skips_while_another_poller_holds_the_lock(
    dovecot, imap_user, make_mail, account
):
    from huey.contrib.djhuey import HUEY

    dovecot.deliver(imap_user, make_mail(subject="Bloqueado"))
    with HUEY.lock_task(imap_loop.lock_name(account.pk)):
        watcher = imap_loop.IdleWatcher(account)
        watcher.start()
        try:
            assert watcher.idling.wait(10)
            assert not InboundMessage.objects.exists()
        finally:
            watcher.stop()
            watcher.join(10)


def test_idle_forever_follows_accounts_and_stops_on_request(dovecot, imap_user, make_mail, account):
    from ventanilla.intake.imap_services import imap_accounts_enabled

    ImapAccount.objects.filter(pk=account.pk).update(enabled=False)
    stop = threading.Event()
    runner = threading.Thread(
        target=imap_loop.idle_forever,
        args=(lambda: imap_accounts_enabled(idle_only=True), stop),
        kwargs={"rescan_seconds": 0.2},
    )
    runner.start()
    try:
        dovecot.deliver(imap_user, make_mail(subject="Cuenta desactivada"))
        time.sleep(1)
        assert not InboundMessage.objects.exists(), "a disabled account is not watched"
        ImapAccount.objects.filter(pk=account.pk).update(enabled=True)
        assert _wait(lambda: InboundMessage.objects.exists()), "enabled: picked up by a rescan"
    finally:
        stop.set()
        runner.join(15)
    assert not runner.is_alive()
