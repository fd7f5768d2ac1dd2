"""Addresses salvaged from comments and junk, sender fallbacks, and a pasted first line.

Each salvaged sender is marked (``sender_source``) so the article can say it was repaired.
"""

from __future__ import annotations

import pytest

from ventanilla.parse.parsing import parse_addresses, parse_message


def mail(*headers: bytes, body: bytes = b"Hola\n") -> bytes:
    return b"\n".join(headers) + b"\n\n" + body


def test_address_only_inside_a_comment_is_kept():
    raw = mail(
        b"From: =?utf-8?q?Hans_M=C3=BCller?= (hans@example.com)",
        b"To: =?utf-8?q?Soporte?= (soporte@empresa.es), otra@empresa.es",
    )
    parsed = parse_message(raw)
    assert parsed.sender is not None
    assert (parsed.sender.name, parsed.sender.email) == ("Hans Müller", "hans@example.com")
    assert parsed.sender_source == "from-repaired"
    assert [a.email for a in parsed.to] == ["soporte@empresa.es", "otra@empresa.es"]
    assert parsed.notes() == ["sender repaired (from-repaired)"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"Name"@example.com>', "name@example.com"),
        ("Ana <ana@example.com]>", "ana@example.com"),
        ("Ana [ana@example.com]", "ana@example.com"),
        ("<<ana@example.com>> (Ana)", "ana@example.com"),
        ("Ana < ana @ example.com >", "ana@example.com"),
        ("ana @ example.com", "ana@example.com"),
    ],
)
def test_junk_around_the_address_keeps_the_sender(value, expected):
    parsed = parse_message(mail(b"From: " + value.encode(), b"Subject: x"))
    assert parsed.sender is not None
    assert parsed.sender.email == expected


def test_a_quoted_local_part_that_needs_no_quotes_is_the_same_mailbox():
    """RFC 5321 §4.1.2: "ana"@x and ana@x are the same mailbox."""
    assert [a.email for a in parse_addresses(['Ana <"ana"@example.com>'])] == ["ana@example.com"]
    assert [a.email for a in parse_addresses(['"ana luis"@example.com'])] == [
        '"ana luis"@example.com'
    ]


def test_a_well_formed_from_is_not_marked():
    parsed = parse_message(mail(b"From: Ana <ana@example.com>"))
    assert parsed.sender_source == "from"
    assert not parsed.sender_repaired
    assert parsed.notes() == []


@pytest.mark.parametrize(
    ("headers", "source", "expected"),
    [
        ((b"From: Soporte", b"Sender: <envio@example.com>"), "sender", "envio@example.com"),
        ((b"From: <>", b"Reply-To: Ana <ana@example.com>"), "reply-to", "ana@example.com"),
        ((b"From: nadie", b"Return-Path: <rp@example.com>"), "return-path", "rp@example.com"),
        ((b"Return-Path: <>", b"Subject: x"), "", None),
    ],
)
def test_sender_fallbacks_are_marked(headers, source, expected):
    parsed = parse_message(mail(*headers))
    assert parsed.sender_source == source
    assert (parsed.sender.email if parsed.sender else None) == expected


@pytest.mark.parametrize(
    "junk",
    [b"---- Original message ----", b"-----Mensaje original-----\n> reenviado"],
)
@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_pasted_lines_above_the_headers_do_not_lose_them(junk, eol):
    raw = eol.join(
        [*junk.split(b"\n"), b"From: Ana <ana@example.com>", b"Subject: Hola", b"", b"Cuerpo", b""]
    )
    parsed = parse_message(raw)
    assert parsed.sender is not None
    assert parsed.sender.email == "ana@example.com"
    assert parsed.subject == "Hola"
    assert parsed.text.strip() == "Cuerpo"
    assert parsed.sender_source == "from-repaired"


def test_a_headerless_text_is_not_taken_for_headers():
    parsed = parse_message(b"Hola,\nNota: esto no es una cabecera\n\nAdios\n")
    assert parsed.sender is None
    assert parsed.text.startswith("Hola,")
