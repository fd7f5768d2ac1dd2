"""Attached messages in other projects' real mail are found as the bytes received.

For every corpus message with a message/* part, the byte-range scan must agree with the
stdlib's tree well enough to slice the part (no re-serialising fallback), and the slice
must be bytes of the input (or, for a base64/QP-encoded part, decode to a message).
Also: no corpus message is mistaken for a too-complex one.
"""

from __future__ import annotations

import base64

from tests.conformance.conftest import corpus_path, record_score
from ventanilla.parse.parsing import parse_message

ENCLOSED_FLOOR = 1.0  # share of message/* attachments sliced from the input


def test_enclosed_messages_are_sliced_from_the_input():
    root = corpus_path()
    sliced = total = complex_count = 0
    failures = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        mail = parse_message(raw)
        complex_count += mail.too_complex
        enclosed = [a for a in mail.attachments if a.content_type.startswith("message/")]
        if not enclosed:
            continue
        reserialised = "enclosed-message-reserialised" in mail.defects
        for attachment in enclosed:
            total += 1
            # A base64-encoded part: its first 45 bytes encode to 60 characters of the input.
            encoded = base64.b64encode(attachment.content[:45])
            in_input = attachment.content in raw or encoded in raw
            if not reserialised and in_input:
                sliced += 1
            else:
                failures.append(str(path.relative_to(root)))
    assert total > 100  # the corpus holds bounces and forwards: the test must see them
    share = sliced / total
    record_score("enclosed.sliced_pct", round(100 * share, 1))
    record_score("enclosed.count", total)
    assert share >= ENCLOSED_FLOOR, failures[:10]
    assert complex_count == 0
