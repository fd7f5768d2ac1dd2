"""Who polls IMAP accounts when: the periodic sweep, one-shot polls, and IDLE watchers.

One poller per account at a time: every poll runs under the huey lock ``imap-<id>``, shared by
the periodic task, ``ventanilla mail poll`` and ``ventanilla mail idle`` (which may run in other
processes: the lock lives in huey's storage). Two pollers would only fetch twice (sha256
catches it), but they would also race on the after-action and the checkpoint.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import close_old_connections, connection
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException
from imapclient import IMAPClient

from ventanilla.intake import imap_services
from ventanilla.intake.imap import ImapPollError, PollResult, connected, poll_account
from ventanilla.mail.models import ImapAccount

log = logging.getLogger(__name__)

# RFC 2177 §3: the server may drop an IDLE after 30 minutes; re-issue well before.
IDLE_RENEW_SECONDS = 25 * 60
# How often an IDLE watcher wakes up to notice it should stop.
IDLE_CHECK_SECONDS = 1.0
RECONNECT_SECONDS = 30.0
RESCAN_SECONDS = 60.0


def lock_name(account_id: int) -> str:
    """The huey lock that makes one account's polls exclusive."""
    return f"imap-{account_id}"


def poll_locked(account: ImapAccount, client: IMAPClient | None = None) -> PollResult | None:
    """Poll ``account`` under its lock; ``None`` when another poller holds it right now."""
    try:
        with HUEY.lock_task(lock_name(account.pk)):
            # Another poller may have advanced the account since we loaded it.
            account.refresh_from_db()
            return poll_account(account, client)
    except TaskLockedException:
        return None


@dataclass
class SweepReport:
    """What a sweep over the due accounts did: results by account name."""

    polled: dict[str, PollResult] = field(default_factory=dict)
    busy: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def poll_accounts(accounts: list[ImapAccount]) -> SweepReport:
    """Poll each account once (under its lock); one failing account does not stop the rest."""
    report = SweepReport()
    for account in accounts:
        try:
            result = poll_locked(account)
        except ImapPollError as exc:
            report.failed[account.name] = str(exc)
            continue
        if result is None:
            report.busy.append(account.name)
        else:
            report.polled[account.name] = result
    return report


def poll_due() -> SweepReport:
    """Poll every enabled account whose interval has elapsed (the periodic task's body)."""
    return poll_accounts(imap_services.imap_accounts_due())


class IdleWatcher(threading.Thread):
    """Keeps one account in IDLE (RFC 2177) and polls whenever the server reports new mail.

    Reconnects after any error (with a pause); ``stop()`` ends it within about a second.
    """

    def __init__(
        self, account: ImapAccount, *, on_poll: Callable[[PollResult], None] | None = None
    ) -> None:
        """Watch ``account``; ``on_poll`` is called after each successful poll (tests, logs)."""
        super().__init__(name=f"imap-idle-{account.name}", daemon=True)
        self.account = account
        self.on_poll = on_poll
        self.stopping = threading.Event()
        self.idling = threading.Event()  # set while the server confirmed our IDLE

    def stop(self) -> None:
        """Ask the watcher to leave IDLE, log out and end."""
        self.stopping.set()

    def run(self) -> None:
        """Connect, poll, IDLE; on errors wait and start over."""
        try:
            while not self.stopping.is_set():
                try:
                    with connected(self.account) as client:
                        self._session(client)
                except Exception:  # a watcher must outlive network trouble
                    log.exception("IMAP IDLE on %s failed; reconnecting", self.account.name)
                    self.idling.clear()
                    self.stopping.wait(RECONNECT_SECONDS)
        finally:
            connection.close()

    def _poll(self, client: IMAPClient) -> None:
        close_old_connections()
        try:
            result = poll_locked(self.account, client)
        except ImapPollError:
            return  # recorded on the account; IDLE again and retry on the next event
        if result is not None and self.on_poll is not None:
            self.on_poll(result)
        if result is not None and result.remaining:
            self._poll(client)  # more than one batch waiting: keep going

    def _session(self, client: IMAPClient) -> None:
        if not client.has_capability("IDLE"):
            # The periodic poll covers this account; a watcher has nothing to add.
            log.warning("IMAP %s: server does not offer IDLE", self.account.name)
            self.stopping.set()
            return
        self._poll(client)
        while not self.stopping.is_set():
            if self._idle_once(client):
                self._poll(client)

    def _idle_once(self, client: IMAPClient) -> bool:
        """Stay in IDLE until new mail, a stop request or the renewal time; True on new mail."""
        client.select_folder(self.account.folder)
        client.idle()
        self.idling.set()
        started = time.monotonic()
        new_mail = False
        try:
            while not self.stopping.is_set() and time.monotonic() - started < IDLE_RENEW_SECONDS:
                responses = client.idle_check(timeout=IDLE_CHECK_SECONDS)
                if any(_is_new_mail(response) for response in responses):
                    new_mail = True
                    break
        finally:
            self.idling.clear()
            client.idle_done()
        return new_mail


def _is_new_mail(response: object) -> bool:
    # Untagged "* n EXISTS" (RFC 3501 §7.3.1) arrives as (n, b"EXISTS").
    return isinstance(response, tuple) and len(response) >= 2 and response[1] == b"EXISTS"


def _settings_key(account: ImapAccount) -> tuple[object, ...]:
    """What a watcher's connection depends on: a change means reconnecting.

    The password counts by its ciphertext (a new password, or a re-encryption, gives a new
    one): decrypting here would let one unreadable password stop every watcher.
    """
    return (
        account.host, account.port, account.security, account.username, account.auth,
        account.password_encrypted, account.token_command, account.folder,
    )  # fmt: skip


def idle_forever(
    load_accounts: Callable[[], list[ImapAccount]],
    stop: threading.Event,
    *,
    rescan_seconds: float = RESCAN_SECONDS,
) -> None:
    """Run one watcher per account until ``stop`` is set (``ventanilla mail idle``).

    Accounts are re-read every ``rescan_seconds``: added or re-enabled ones get a watcher,
    removed or disabled ones lose theirs, and a changed login restarts it. With no account
    at all it simply waits, so a supervisor can run it unconditionally.
    """
    watchers: dict[int, tuple[tuple[object, ...], IdleWatcher]] = {}
    while not stop.is_set():
        close_old_connections()
        wanted = {account.pk: account for account in load_accounts()}
        for pk, (key, watcher) in list(watchers.items()):
            if pk not in wanted or _settings_key(wanted[pk]) != key:
                watcher.stop()
                watcher.join(timeout=10)
                del watchers[pk]
        for pk, account in wanted.items():
            if pk not in watchers:
                # A watcher killed with SIGKILL leaves its lock behind (SqliteHuey has no
                # TTL); we are the only long-lived owner of this lock, so clear it first.
                HUEY.flush_locks(lock_name(pk))
                watcher = IdleWatcher(account)
                watcher.start()
                watchers[pk] = (_settings_key(account), watcher)
        stop.wait(rescan_seconds)
    for _key, watcher in watchers.values():
        watcher.stop()
    for _key, watcher in watchers.values():
        watcher.join(timeout=10)
    connection.close()  # this thread's own connection (it read the accounts)
