"""Every message of the shared corpus goes through ``ingest_raw`` and the whole pipeline.

Rule (a) of every corpus: never an unhandled error. Each message must end processed,
ignored, duplicate or quarantined; never left ``received``. A quarantine is accepted only
for input that is genuinely unusable (no sender at all, not RFC 5322); the quarantined
files and their reasons are printed, and a per-folder ceiling keeps it from growing.

Which files are messages: every file of the mail corpora except ``SOURCE.txt``, README,
``EXPECTED*.json`` and other index files; sisimai's mbox files are split into messages.
The reply-stripping corpora hold message *bodies*, not messages, so only talon's ``.eml``
files are taken from them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conformance.conftest import corpus_path, record_score

# folder → (most quarantines accepted, most crash-quarantines accepted): the levels reached.
# Quarantines are messages with no sender address at all (From, Sender, Reply-To and the
# envelope all empty, e.g. CPython's header-less fixtures, spamscope's Outlook .msg file).
# Crashes are errors raised outside the parser, reported to their owners (see README).
FOLDERS = {
    "bounce-mailman2": (0, 0),
    "bounce-mitio-bounce_email": (0, 0),
    "bounce-sisimai": (0, 0),
    "cpython-test_email": (7, 0),
    "django-helpdesk": (0, 0),
    "flanker": (1, 0),
    "freescout": (0, 0),
    "mikel-mail": (4, 0),
    "php-mime-mail-parser": (4, 0),
    "reply-mailgun-talon": (0, 0),
    "spamscope-mail-parser": (1, 0),
    "zulip": (1, 0),
}
NOT_MAIL = re.compile(r"(^SOURCE\.txt|^README.*|\.json|\.md|\.html)$")
MBOX_SEPARATOR = re.compile(rb"(?:\A|\n)From [^\n]*\n")


def split_mbox(data: bytes) -> list[bytes]:
    """Split an mbox file at its ``From `` separator lines (dropped, as an MTA would)."""
    return [chunk for chunk in MBOX_SEPARATOR.split(data) if chunk.strip()]


def corpus_messages(folder: Path) -> list[tuple[str, bytes]]:
    """Return (name, bytes) of every message in one corpus folder."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if NOT_MAIL.search(path.name):
            continue
        if folder.name.startswith("reply-") and path.suffix != ".eml":
            continue  # a body fixture, not a message
        if path.parent.name == "mailbox":
            chunks = split_mbox(path.read_bytes())
            found += [(f"{name}#{i}", chunk) for i, chunk in enumerate(chunks)]
        else:
            found.append((name, path.read_bytes()))
    return found


def _reason(error: str) -> str:
    """Return the last line of a traceback, or the recorded reason."""
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "?"


@pytest.mark.conformance
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("folder_name", sorted(FOLDERS))
def test_corpus_ingest(folder_name, mailbox):
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.mail.models import InboundMessage, InboundState
    from ventanilla.pipeline.services import inbound_process

    messages = corpus_messages(corpus_path(folder_name))
    assert messages, folder_name
    outcomes: Counter[str] = Counter()
    quarantined: dict[str, str] = {}
    crashed: dict[str, str] = {}
    for name, raw in messages:
        result = ingest_raw(
            raw, source="import", envelope_from="", envelope_to=[mailbox.address], process=False
        )
        if result.created:
            inbound_process(inbound_id=result.inbound.pk)
        inbound = InboundMessage.objects.get(pk=result.inbound.pk)
        state = inbound.state if result.created else "same-bytes"
        outcomes[state] += 1
        if inbound.state == InboundState.QUARANTINED and result.created:
            target = crashed if "Traceback" in inbound.error else quarantined
            target[name] = _reason(inbound.error)
    print(f"\n{folder_name}: {dict(outcomes)}")
    for name, reason in {**quarantined, **crashed}.items():
        print(f"  quarantined {name}: {reason}")
    for state, count in outcomes.items():
        record_score(f"ingest.{folder_name}.{state}", count)
    record_score(f"ingest.{folder_name}.crashed", len(crashed))
    assert outcomes[InboundState.RECEIVED] == 0
    max_quarantined, max_crashed = FOLDERS[folder_name]
    assert len(crashed) <= max_crashed, crashed
    assert len(quarantined) + len(crashed) <= max_quarantined, quarantined


def _summary(mail):
    """What must not depend on line endings: headers, bodies, attachments."""
    return (
        mail.subject,
        mail.sender,
        mail.to,
        mail.message_id,
        mail.date,
        " ".join(mail.text.split()),
        " ".join(mail.html.split()),
        [(a.filename, a.content_type) for a in mail.attachments],
    )


@pytest.mark.conformance
def test_line_endings_do_not_change_the_parse():
    """sisimai's dos/ (CRLF) and mac/ (CR only) copies must parse like their bsd/ (LF) twin."""
    from ventanilla.parse.parsing import parse_message

    maildir = corpus_path("bounce-sisimai", "maildir")
    compared, differ = 0, []
    for variant in ("dos", "mac"):
        for path in sorted((maildir / variant).glob("*.eml")):
            twin = maildir / "bsd" / path.name
            if not twin.exists():
                continue
            compared += 1
            ours = _summary(parse_message(path.read_bytes()))
            if ours != _summary(parse_message(twin.read_bytes())):
                differ.append(f"{variant}/{path.name}")
    record_score("parse.sisimai.line_endings_same", f"{compared - len(differ)}/{compared}")
    assert compared == 112
    assert not differ, differ
