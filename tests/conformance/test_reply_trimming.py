"""Score ``split_reply`` against the shared reply-trimming corpora (README §2).

Every comparison normalises whitespace (``' '.join(s.split())``). Scores are recorded with
``record_score`` and printed at the end of the run; each test asserts a floor at the level
reached, so a regression fails. The corpora encode *their* projects' choices, which
sometimes contradict ours or each other (talon keeps "Sent from my iPhone", github strips
it; github keeps interleaved quotes, a helpdesk wants the top-posted reply), so 100% is
neither expected nor the goal.
"""

from __future__ import annotations

import email
import email.policy
import json
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.conftest import corpus_path, record_score
from ventanilla.parse.html import html_to_text
from ventanilla.parse.quotes import split_reply

pytestmark = pytest.mark.conformance


def norm(text: str) -> str:
    """Whitespace-normalise for comparison."""
    return " ".join(text.split())


def pct(hits: int, total: int) -> float:
    """Percentage rounded to one decimal."""
    return round(100.0 * hits / total, 1) if total else 0.0


def expected(folder: str) -> dict[str, Any]:
    """The ``files`` table of a corpus folder's EXPECTED.json."""
    data = json.loads((corpus_path(folder) / "EXPECTED.json").read_text(encoding="utf-8"))
    return dict(data["files"])


def read(path: Path) -> str:
    """Read a corpus text file as UTF-8 (replacing undecodable bytes)."""
    return path.read_bytes().decode("utf-8", errors="replace")


def first_text_part(raw: bytes) -> tuple[str, str]:
    """Return the first text/plain and text/html bodies of an RFC 5322 message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = html = ""
    for part in message.walk():
        if part.is_multipart() or not isinstance(part, EmailMessage):
            continue
        if part.get_content_type() == "text/plain" and not text:
            text = str(part.get_content())
        elif part.get_content_type() == "text/html" and not html:
            html = str(part.get_content())
    return text, html


def test_discourse_email_reply_trimmer():
    """Discourse: emails/X → trimmed/X exactly; and no line of elided/X leaks into the output."""
    base = corpus_path("reply-discourse-email_reply_trimmer")
    exact = total = clean = with_elided = 0
    for source in sorted((base / "emails").glob("*.txt")):
        trimmed = base / "trimmed" / source.name
        if not trimmed.exists():
            continue
        total += 1
        got = split_reply(read(source))
        exact += norm(got) == norm(read(trimmed))
        elided = base / "elided" / source.name
        if elided.exists() and read(elided).strip():
            with_elided += 1
            kept = {norm(line) for line in read(trimmed).splitlines()}
            out = {norm(line) for line in got.splitlines()}
            lines = {norm(line) for line in read(elided).splitlines()}
            leaked = {line for line in lines if len(line) >= 8 and line not in kept} & out
            clean += not leaked
    record_score("reply.discourse.exact_pct", pct(exact, total))
    record_score("reply.discourse.no_leak_pct", pct(clean, with_elided))
    assert total >= 60
    assert pct(exact, total) >= 92.0
    assert pct(clean, with_elided) >= 94.0


def test_talon_plain_replies():
    """talon: the first text/plain part of each standard reply trims to its expected text."""
    base = corpus_path("reply-mailgun-talon", "fixtures")
    files = expected("reply-mailgun-talon")
    hits = total = 0
    for name, want in files.items():
        if "reply_text" not in want:
            continue
        total += 1
        text, _ = first_text_part((base / name).read_bytes())
        hits += norm(split_reply(text)) == norm(want["reply_text"])
    record_score("reply.talon.plain_exact_pct", pct(hits, total))
    assert total == 12
    assert pct(hits, total) >= 83.0


def test_talon_html_replies():
    """talon: HTML-only replies (Gmail, Outlook 2003-2010, Thunderbird, mail.ru, …)."""
    base = corpus_path("reply-mailgun-talon", "fixtures")
    files = expected("reply-mailgun-talon")
    hits = total = 0
    for name, want in files.items():
        if "reply_plain_text" in want:
            target = want["reply_plain_text"]
        elif "reply_html_ws_insensitive" in want:
            target = html_to_text(want["reply_html_ws_insensitive"])
        else:
            continue
        total += 1
        got = split_reply("", read(base / name))
        hits += "".join(got.split()) == "".join(target.split())
    record_score("reply.talon.html_exact_pct", pct(hits, total))
    assert total == 11
    assert pct(hits, total) >= 90.0


def test_talon_quotation_sharing_block():
    """talon: a whole raw message whose quote shares a block with the reply."""
    base = corpus_path("reply-mailgun-talon", "fixtures")
    want = expected("reply-mailgun-talon")["reply-quotations-share-block.eml"]
    got = split_reply(read(base / "reply-quotations-share-block.eml"))
    assert got.strip()
    for needle in want["reply_not_contains"]:
        assert needle not in got


def test_github_visible_text_and_time_limits():
    """github: exact visible_text; the pathological and 767 KB inputs finish within 1 s."""
    base = corpus_path("reply-github-email_reply_parser", "emails")
    hits = total = 0
    for name, want in expected("reply-github-email_reply_parser").items():
        body = read(base / name)
        if "max_seconds" in want:
            started = time.perf_counter()
            split_reply(body)
            assert time.perf_counter() - started < want["max_seconds"], name
        if "visible_text" in want:
            total += 1
            hits += norm(split_reply(body)) == norm(want["visible_text"])
    record_score("reply.github.visible_exact_pct", pct(hits, total))
    assert total == 8
    assert pct(hits, total) == 100.0


def zapier_checks(body: str, want: dict[str, Any]) -> list[bool]:
    """Evaluate every text expectation zapier states for one body."""
    got = split_reply(body)
    keys = ("visible_text", "visible_text_stripped")
    checks = [norm(got) == norm(want[key]) for key in keys if key in want]
    checks.extend(needle in got for needle in want.get("reply_contains", []))
    checks.extend(needle not in got for needle in want.get("reply_not_contains", []))
    return checks


def test_zapier_visible_text():
    """zapier: exact visible text, plus reply_contains / reply_not_contains checks."""
    base = corpus_path("reply-zapier-email-reply-parser", "emails")
    exact = exact_total = passed = checks_total = 0
    for name, want in expected("reply-zapier-email-reply-parser").items():
        body = read(base / name)
        if "max_seconds" in want:
            started = time.perf_counter()
            split_reply(body)
            assert time.perf_counter() - started < want["max_seconds"], name
        checks = zapier_checks(body, want)
        passed += sum(checks)
        checks_total += len(checks)
        if "visible_text" in want or "visible_text_stripped" in want:
            exact_total += 1
            exact += checks[0]
    record_score("reply.zapier.visible_exact_pct", pct(exact, exact_total))
    record_score("reply.zapier.checks_pct", pct(passed, checks_total))
    assert exact_total == 5
    assert pct(exact, exact_total) == 100.0
    assert pct(passed, checks_total) == 100.0


def test_crisp_first_fragment_and_visible_text():
    """crisp: first_fragment_trimmed (multilingual quote headers) and exact visible text."""
    base = corpus_path("reply-crisp-oss-email-reply-parser", "fixtures")
    data = json.loads(
        (corpus_path("reply-crisp-oss-email-reply-parser") / "EXPECTED.json").read_text()
    )
    common = data["common_first_fragment"]
    first = first_total = visible = visible_total = 0
    for name, want in data["files"].items():
        body = read(base / name)
        if "first_fragment_trimmed" in want:
            target = want["first_fragment_trimmed"]
            target = common if target == "common_first_fragment" else target
            first_total += 1
            first += norm(split_reply(body)) == norm(target)
        for key in ("visible_text", "visible_text_trimmed"):
            if key in want:
                visible_total += 1
                visible += norm(split_reply(body)) == norm(want[key])
    record_score("reply.crisp.first_fragment_pct", pct(first, first_total))
    record_score("reply.crisp.visible_exact_pct", pct(visible, visible_total))
    assert first_total >= 40
    assert pct(first, first_total) == 100.0
    assert visible_total >= 3
    assert pct(visible, visible_total) == 100.0
