"""Bounce and auto-reply conformance: the real ``bounce`` and ``auto-submitted`` rules over corpora.

Each message is parsed with ``parse_message`` and run through the two rules with a
``Context`` (no database: these rules read only the message). The verdict is ``bounce`` when
the bounce rule matches, ``auto`` when only the auto-submitted rule does, else ``neither``.
Expectations come from the corpora's own EXPECTED.json files (see corpus README §3).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.conftest import corpus_path, record_score
from ventanilla.mail.models import InboundMessage, Mailbox
from ventanilla.parse.dsn import is_hard
from ventanilla.parse.parsing import parse_message
from ventanilla.pipeline.context import Bounce, Context
from ventanilla.pipeline.rules.auto_submitted import AutoSubmitted
from ventanilla.pipeline.rules.bounce import BounceRule

pytestmark = pytest.mark.conformance

NOT_BOUNCE_REASONS = {"vacation", "feedback", "delivered"}
# Ordinary-mail corpora; two php-mime-mail-parser files are reports, not ordinary mail:
# failure.eml is a real RFC 3464 DSN and issue149 an out-of-office (scored as auto-reply).
PHP_REPORTS = {"failure.eml", "issue149"}


@cache
def run(path: Path) -> tuple[str, Bounce | None]:
    """Return (verdict, bounce) for one file: ``bounce`` / ``auto`` / ``neither`` / ``error``."""
    raw = path.read_bytes()
    try:
        mail = parse_message(raw)
    except Exception:  # a parser crash is a wrong verdict here, not a test crash
        return "error", None
    ctx = Context(
        inbound=InboundMessage(raw=raw, envelope_from=""),
        mailbox=Mailbox(address="soporte@empresa.es", prefix="SOP"),
        raw=raw,
        mail=mail,
    )
    if BounceRule().check(ctx):
        return "bounce", ctx.bounce
    if AutoSubmitted().check(ctx):
        return "auto", None
    return "neither", None


def sisimai() -> tuple[Path, dict[str, Any]]:
    root = corpus_path("bounce-sisimai")
    return root, json.loads((root / "EXPECTED.json").read_text())["files"]


def mailman() -> tuple[Path, dict[str, Any]]:
    root = corpus_path("bounce-mailman2")
    return root / "bounces", json.loads((root / "EXPECTED.json").read_text())["files"]


def mailman_expected(entries: list[dict[str, Any]]) -> set[str] | str | None:
    """The failed-address set, "STOP" for a warning, or None when no detector finds any."""
    if any(not isinstance(e["expected"], list) for e in entries):
        return "STOP"
    found = {a.lower() for e in entries for a in e["expected"]}
    return found or None


def sisimai_positives() -> list[tuple[Path, list[dict[str, Any]]]]:
    root, files = sisimai()
    bsd = root / "maildir" / "bsd"
    return [
        (bsd / name, spec["expected"])
        for name, spec in sorted(files.items())
        if (bsd / name).exists()
        and not {e["reason"] for e in spec["expected"]} & NOT_BOUNCE_REASONS
    ]


def ordinary_messages() -> list[Path]:
    paths = sorted(corpus_path("django-helpdesk", "test_files").glob("*.eml"))
    paths += sorted(corpus_path("freescout", "Messages").glob("*.eml"))
    php = corpus_path("php-mime-mail-parser", "mails")
    paths += sorted(p for p in php.iterdir() if p.is_file() and p.name not in PHP_REPORTS)
    return paths


def bounce_sets() -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
    """Positives and negatives for is_bounce, by corpus."""
    mm_dir, mm = mailman()
    mitio = corpus_path("bounce-mitio-bounce_email")
    positives = {
        "sisimai": [p for p, _ in sisimai_positives()],
        # Files where no Mailman detector finds an address (expected []) are ambiguous.
        "mailman2": [mm_dir / n for n, e in sorted(mm.items()) if mailman_expected(e) is not None],
        "mitio": sorted((mitio / "bounces").iterdir()),
    }
    negatives = {
        "sisimai_not": sorted(corpus_path("bounce-sisimai", "maildir", "not").iterdir()),
        "mitio_non_bounces": sorted((mitio / "non_bounces").iterdir()),
        "ordinary": ordinary_messages(),
    }
    return positives, negatives


def test_bounce_classification():
    positives, negatives = bounce_sets()
    tp = fn = fp = tn = 0
    for name, paths in positives.items():
        hits = sum(run(p)[0] == "bounce" for p in paths)
        record_score(f"bounces.recall.{name}", round(hits / len(paths), 4))
        tp, fn = tp + hits, fn + len(paths) - hits
    for name, paths in negatives.items():
        wrong = [p.name for p in paths if run(p)[0] == "bounce"]
        record_score(f"bounces.false_positives.{name}", len(wrong))
        fp, tn = fp + len(wrong), tn + len(paths) - len(wrong)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    accuracy = (tp + tn) / (tp + tn + fp + fn)
    for key, value in (("precision", precision), ("recall", recall), ("f1", f1)):
        record_score(f"bounces.is_bounce.{key}", round(value, 4))
    record_score("bounces.is_bounce.accuracy", round(accuracy, 4))
    record_score("bounces.is_bounce.n", tp + tn + fp + fn)
    assert precision >= 0.99
    assert recall >= 0.98
    assert f1 >= 0.99


def test_autoreply_detection():
    root, files = sisimai()
    bsd = root / "maildir" / "bsd"
    positives = [bsd / f"rfc3834-0{i}.eml" for i in range(1, 6)]
    positives += [root / "extra-set-of-emails-head" / "rfc3834-06.eml"]
    positives += [corpus_path("php-mime-mail-parser", "mails", "issue149")]
    hits = [p.name for p in positives if run(p)[0] == "auto"]
    record_score("autoreply.recall", round(len(hits) / len(positives), 4))
    # Reports that are automatic mail but not bounces: abuse feedback, success DSNs.
    other = [
        bsd / n
        for n, s in sorted(files.items())
        if {e["reason"] for e in s["expected"]} & {"feedback", "delivered"} and (bsd / n).exists()
    ]
    not_bounce = sum(run(p)[0] != "bounce" for p in other)
    record_score("autoreply.feedback_delivered.not_bounce", round(not_bounce / len(other), 4))
    record_score(
        "autoreply.feedback_delivered.auto",
        round(sum(run(p)[0] == "auto" for p in other) / len(other), 4),
    )
    ordinary = ordinary_messages()
    false_auto = [p.name for p in ordinary if run(p)[0] != "neither"]
    record_score("autoreply.false_positives.ordinary", len(false_auto))
    assert len(hits) == len(positives)
    assert not_bounce == len(other)
    assert false_auto == []


def set_f1(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, float]:
    """Micro-averaged precision, recall and F1 of predicted vs expected address sets."""
    tp = sum(len(got & want) for got, want in pairs)
    n_got = sum(len(got) for got, _ in pairs)
    n_want = sum(len(want) for _, want in pairs)
    precision, recall = tp / max(n_got, 1), tp / max(n_want, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def test_failed_recipients():
    mm_dir, mm = mailman()
    pairs = []
    for name, entries in sorted(mm.items()):
        want = mailman_expected(entries)
        if isinstance(want, set):
            bounce = run(mm_dir / name)[1]
            pairs.append(({r.lower() for r in bounce.recipients} if bounce else set(), want))
    precision, recall, f1 = set_f1(pairs)
    record_score("bounces.recipients.mailman2.precision", round(precision, 4))
    record_score("bounces.recipients.mailman2.recall", round(recall, 4))
    record_score("bounces.recipients.mailman2.f1", round(f1, 4))
    record_score(
        "bounces.recipients.mailman2.exact", round(sum(g == w for g, w in pairs) / len(pairs), 4)
    )
    # sisimai lists one entry per failed recipient (no addresses): compare the counts.
    counts = []
    for path, expected in sisimai_positives():
        bounce = run(path)[1]
        counts.append((len(bounce.recipients) if bounce else 0) == len(expected))
    record_score("bounces.recipients.sisimai.count_accuracy", round(sum(counts) / len(counts), 4))
    assert f1 >= 0.94
    assert sum(counts) / len(counts) >= 0.9


def test_permanent_vs_temporary():
    """``permanent`` vs Mailman's STOP (warnings) and mikel's delayed/failed reports;
    ``is_hard`` (address is bad) vs sisimai's ``hardbounce``."""
    mm_dir, mm = mailman()
    right = total = 0
    for name, entries in sorted(mm.items()):
        want = mailman_expected(entries)
        bounce = run(mm_dir / name)[1]
        if want is None or bounce is None:
            continue
        total += 1
        right += bounce.permanent is (want != "STOP")
    record_score("bounces.permanent.mailman2.accuracy", round(right / total, 4))
    mikel = corpus_path("mikel-mail", "emails", "multipart_report_emails")
    mikel_want = {"report_422.eml": False, "report_530.eml": True}
    mikel_ok = [
        (run(mikel / n)[1] or Bounce(permanent=not w)).permanent is w for n, w in mikel_want.items()
    ]
    record_score("bounces.permanent.mikel.accuracy", sum(mikel_ok) / len(mikel_ok))
    hard_right = hard_total = 0
    for path, expected in sisimai_positives():
        bounce = run(path)[1]
        if bounce is None:
            continue
        hard_total += 1
        want_hard = any(e["hardbounce"] for e in expected)
        got_hard = is_hard(
            permanent=bounce.permanent, status=bounce.status, diagnostic=bounce.diagnostic
        )
        hard_right += got_hard is want_hard
    record_score("bounces.hard.sisimai.accuracy", round(hard_right / hard_total, 4))
    assert right / total >= 0.98
    assert all(mikel_ok)
    assert hard_right / hard_total >= 0.80


@pytest.mark.parametrize("variant", ["dos", "mac"])
def test_line_endings_give_same_verdicts(variant):
    root = corpus_path("bounce-sisimai", "maildir")
    # Same messages as bsd/; a few carry different names there and are not compared.
    paths = [p for p in sorted((root / variant).iterdir()) if (root / "bsd" / p.name).exists()]
    same = 0
    for path in paths:
        verdict, bounce = run(path)
        ref_verdict, ref_bounce = run(root / "bsd" / path.name)
        recipients = sorted(bounce.recipients) if bounce else []
        ref_recipients = sorted(ref_bounce.recipients) if ref_bounce else []
        same += verdict == ref_verdict and recipients == ref_recipients
    record_score(f"bounces.line_endings.{variant}.agreement", round(same / len(paths), 4))
    assert same == len(paths)
