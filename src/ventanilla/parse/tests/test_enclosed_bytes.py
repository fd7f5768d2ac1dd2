"""An attached message (message/rfc822) is kept byte for byte, as the customer sent it.

The stdlib re-serialises a parsed message with its headers refolded and re-encoded and
its line ends changed; attachments are evidence, so we slice the bytes from the raw input.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from ventanilla.parse.mime import spans
from ventanilla.parse.parsing import parse_message
from ventanilla.parse.tests.builders import enclosed, outer


def the_attachment(raw: bytes) -> bytes:
    mail = parse_message(raw)
    found = [a for a in mail.attachments if a.content_type == "message/rfc822"]
    assert len(found) == 1
    assert "enclosed-message-reserialised" not in mail.defects
    return found[0].content


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"], ids=["CRLF", "LF"])
def test_attached_message_is_kept_byte_for_byte(eol):
    message = enclosed(eol)
    content = the_attachment(outer(message, eol))
    assert content == message
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(message).hexdigest()


def test_mixed_line_ends_inside_the_attached_message_are_kept():
    message = enclosed(b"\r\n").replace(b"--inner\r\n", b"--inner\n")
    assert the_attachment(outer(message, b"\r\n")) == message


def test_offsets_survive_a_repaired_header_block():
    """A top-level header block we repair (a lost fold) shifts the parsed bytes: not the slice."""
    message = enclosed(b"\n")
    broken = b"Received: from relay\nby localhost with SMTP\n"  # the fold's white space was lost
    raw = broken + outer(message, b"\n")
    mail = parse_message(raw)
    assert "header-block-repaired" in mail.defects
    assert the_attachment(raw) == message


def test_attached_message_without_final_line_break():
    message = enclosed(b"\r\n").rstrip(b"\r\n")
    assert the_attachment(outer(message, b"\r\n")) == message


def test_base64_encoded_attached_message_is_stored_decoded():
    """RFC 2046 §5.2.1 forbids it, senders do it: the attachment is the message, not base64."""
    message = enclosed(b"\r\n")
    encoded = base64.encodebytes(message).replace(b"\n", b"\r\n")
    raw = outer(encoded, b"\r\n", part_headers=b"Content-Transfer-Encoding: base64\r\n")
    assert the_attachment(raw) == message


def test_digest_member_is_kept_byte_for_byte():
    """RFC 2046 §5.1.5: a member of multipart/digest is a message/rfc822 by default."""
    message = enclosed(b"\n")
    raw = (
        b"From: lista@otro.es\nSubject: Resumen\n"
        b"Content-Type: multipart/digest; boundary=dd\n\n--dd\n\n" + message + b"\n--dd--\n"
    )
    assert the_attachment(raw) == message


def test_top_level_message_rfc822():
    message = enclosed(b"\r\n")
    raw = b"From: a@cliente.es\r\nContent-Type: message/rfc822\r\n\r\n" + message
    assert the_attachment(raw) == message


def test_where_the_trees_disagree_the_part_is_serialised_and_marked(monkeypatch):
    """No byte range found (the alignment refused it): the old way, with a defect to show it."""
    monkeypatch.setattr("ventanilla.parse.parsing.align", lambda message, tree: {})
    mail = parse_message(outer(enclosed(b"\n"), b"\n"))
    assert "enclosed-message-reserialised" in mail.defects
    assert len(mail.attachments) == 1


def test_align_refuses_parts_whose_headers_differ():
    raw = outer(enclosed(b"\n"), b"\n")
    tree = spans.scan(raw)
    from ventanilla.parse.mime.load import load

    loaded = load(raw)
    assert len(spans.align(loaded.message, tree)) == 6  # root, text, rfc822, inner + its 2
    tree.root.children[1].names = ("Content-Type", "X-Other")
    assert len(spans.align(loaded.message, tree)) == 2  # root and the text part
