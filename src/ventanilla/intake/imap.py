"""The IMAP edge: fetch new mail of an ``ImapAccount`` and hand it to ``ingest_raw``.

What "new" means: every UID above the last one we stored, under the current UIDVALIDITY
(RFC 3501 §2.3.1.1). We never search by ``\\Seen``: mail another client has already read must
be fetched too. A message is left on the server, untouched, until ``ingest_raw`` has committed
it; only then is the after-action (flag ``\\Seen``, move, delete) done and ``last_uid`` moved.
Messages are stored a chunk per transaction (``FETCH_CHUNK``), in UID order.

Crash windows, in order: stored → after-action → checkpoint. A crash between any two steps
makes the next poll fetch the message again, and ``ingest_raw`` recognises its sha256, so the
worst case is one harmless re-fetch; a message is never skipped.
"""

from __future__ import annotations

import logging
import shlex
import ssl
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from imapclient import SEEN, IMAPClient

from ventanilla.intake import imap_services
from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import (
    ImapAccount,
    ImapAfter,
    ImapAuth,
    ImapSecurity,
    InboundSource,
)

log = logging.getLogger(__name__)

# Messages fetched per FETCH command: bounds memory (a batch may be large) and is the unit of
# the storing transaction, of the after-action round trip and of the checkpoint.
FETCH_CHUNK = 50
TIMEOUT_SECONDS = 60
TOKEN_COMMAND_TIMEOUT = 60


class ImapPollError(Exception):
    """A poll could not finish; the message says why (also stored in ``last_error``)."""


@dataclass
class PollResult:
    """What one poll did."""

    fetched: int = 0
    stored: int = 0
    known: int = 0
    last_uid: int = 0
    remaining: bool = False


def access_token(command: str) -> str:
    """Run the account's token command and return the access token it prints (XOAUTH2).

    The command is split like a shell would, but no shell runs it. Only the first line of
    its output counts, so helpers that print extra lines still work.
    """
    try:
        done = subprocess.run(  # noqa: S603 (an admin-configured command, no shell)
            shlex.split(command),
            capture_output=True,
            timeout=TOKEN_COMMAND_TIMEOUT,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise ImapPollError(f"token command failed: {exc}") from exc
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0 or not lines:
        stderr = done.stderr.decode("utf-8", "replace").strip()[:500]
        raise ImapPollError(f"token command exited {done.returncode}: {stderr}")
    return lines[0].strip()


def xoauth2_string(username: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (Google/Microsoft documentation), before base64."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def connect(account: ImapAccount) -> IMAPClient:
    """Open a connection to the account's server and log in; the caller closes it.

    The stored password is decrypted first, so a secret key that cannot open it fails with a
    clear ``SecretDecryptError`` before we ever talk to the server.
    """
    password = account.password if account.auth != ImapAuth.XOAUTH2 else ""
    context = ssl.create_default_context()
    use_ssl = account.security == ImapSecurity.TLS
    client = IMAPClient(
        account.host,
        port=account.port,
        ssl=use_ssl,
        ssl_context=context if use_ssl else None,
        timeout=TIMEOUT_SECONDS,
    )
    try:
        if account.security == ImapSecurity.STARTTLS:
            client.starttls(context)
        if account.auth == ImapAuth.XOAUTH2:
            client.oauth2_login(account.username, access_token(account.token_command))
        else:
            client.login(account.username, password)
    except Exception:
        client.shutdown()
        raise
    return client


@contextmanager
def connected(account: ImapAccount) -> Iterator[IMAPClient]:
    """``connect`` as a context manager that always logs out."""
    client = connect(account)
    try:
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone
            client.shutdown()


def connection_check(account: ImapAccount) -> int:
    """Log in and open the folder read-only; return how many messages it holds.

    EXAMINE (RFC 3501 §6.3.2) instead of SELECT, and no FETCH: checking an account changes
    nothing on the server (no ``\\Recent`` cleared, no flag set) and stores nothing here.
    Raises whatever the login or the folder raised (the caller reports it).
    """
    with connected(account) as client:
        selected = client.select_folder(account.folder, readonly=True)
    return int(selected.get(b"EXISTS", 0))


def poll_account(account: ImapAccount, client: IMAPClient | None = None) -> PollResult:
    """Poll one account once (opening a connection unless ``client`` is given).

    Records the outcome on the account; raises ``ImapPollError`` when the poll failed.
    """
    try:
        imap_services.imap_account_poll_started(account_id=account.pk)
        if client is not None:
            result = poll_folder(client, account)
        else:
            with connected(account) as own:
                result = poll_folder(own, account)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        log.warning("IMAP poll of %s failed: %s", account.name, error)
        _record_failure(account, error)
        raise ImapPollError(error) from exc
    imap_services.imap_account_poll_succeeded(account_id=account.pk)
    return result


def _record_failure(account: ImapAccount, error: str) -> None:
    try:
        imap_services.imap_account_poll_failed(account_id=account.pk, error=error)
    except Exception:  # the database itself may be what failed
        log.exception("could not record the IMAP failure of %s", account.name)


def poll_folder(client: IMAPClient, account: ImapAccount) -> PollResult:
    """Select the folder, then fetch and store up to ``batch_size`` new messages in UID order."""
    selected = client.select_folder(account.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    if account.uidvalidity != uidvalidity:
        log.info("IMAP %s: UIDVALIDITY %s → %s", account.name, account.uidvalidity, uidvalidity)
        imap_services.imap_account_uidvalidity_set(account_id=account.pk, uidvalidity=uidvalidity)
        account.uidvalidity, account.last_uid = uidvalidity, 0
    # "N:*" always matches the highest UID, even when it is below N (RFC 3501 §6.4.8): filter.
    found = client.search(["UID", f"{account.last_uid + 1}:*"])
    new = sorted(uid for uid in found if uid > account.last_uid)
    batch = new[: max(account.batch_size, 1)]
    result = PollResult(last_uid=account.last_uid, remaining=len(new) > len(batch))
    for start in range(0, len(batch), FETCH_CHUNK):
        _fetch_chunk(client, account, batch[start : start + FETCH_CHUNK], result)
    return result


def _fetch_chunk(
    client: IMAPClient, account: ImapAccount, uids: Sequence[int], result: PollResult
) -> None:
    """Store a chunk in one transaction, then do the after-action and move the checkpoint.

    One commit per chunk instead of per message (the commit's fsync is most of the cost):
    nothing is done on the server before the commit, so durability is the same. If storing
    fails, the whole chunk rolls back and stays untouched on the server; the error is raised.
    """
    data = client.fetch(uids, ["BODY.PEEK[]"])  # PEEK: fetching must not set \Seen
    counts = [0, 0]  # stored, already known
    with transaction.atomic():
        for uid in uids:
            raw = data.get(uid, {}).get(b"BODY[]")
            if raw is not None:  # None: expunged by another client meanwhile
                stored = ingest_raw(
                    raw, source=InboundSource.IMAP, envelope_to=[account.mailbox.address]
                )
                counts[0 if stored.created else 1] += 1
    result.fetched += counts[0] + counts[1]
    result.stored += counts[0]
    result.known += counts[1]
    _after_action(client, account, list(uids))
    imap_services.imap_account_checkpoint(
        account_id=account.pk, uidvalidity=int(account.uidvalidity or 0), last_uid=uids[-1]
    )
    account.last_uid = result.last_uid = uids[-1]


def _after_action(client: IMAPClient, account: ImapAccount, uids: list[int]) -> None:
    """Flag, move or delete the stored messages on the server."""
    if account.after == ImapAfter.MOVE and account.move_to:
        if client.has_capability("MOVE"):
            client.move(uids, account.move_to)  # RFC 6851
            return
        client.copy(uids, account.move_to)
        _delete(client, uids)
    elif account.after == ImapAfter.DELETE:
        _delete(client, uids)
    else:
        client.add_flags(uids, [SEEN])


def _delete(client: IMAPClient, uids: list[int]) -> None:
    client.delete_messages(uids)
    # UID EXPUNGE (RFC 4315) removes only ours; a plain EXPUNGE would also remove messages
    # another client merely flagged \Deleted.
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()
