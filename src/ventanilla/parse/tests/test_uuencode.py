"""uuencode, which predates MIME: as a Content-Transfer-Encoding and as blocks in text bodies.

Fixtures are built here with ``binascii.b2a_uu`` the way old clients (Outlook Express,
Eudora, Pegasus, mailx ``uuencode | mail``) wrote them.
"""

from __future__ import annotations

import binascii

import pytest

from ventanilla.parse.mime.transfer import is_uu_line, uu_blocks, uudecode
from ventanilla.parse.parsing import parse_message

DATA = bytes(range(256)) * 3 + b"fin"  # 771 bytes: full lines and a short last line


def uu_lines(data: bytes = DATA, *, eol: bytes = b"\n", strip: bool = False) -> bytes:
    """Return ``data`` uuencoded in 45-byte lines (``strip``: trailing spaces lost)."""
    lines = [binascii.b2a_uu(data[i : i + 45]).rstrip(b"\n") for i in range(0, len(data), 45)]
    if strip:
        lines = [line.rstrip(b" ") for line in lines]
    return b"".join(line + eol for line in lines) + b"`" + eol


def uu_part_mail(cte: str, payload: bytes) -> bytes:
    """A multipart mail whose second part carries ``payload`` with the given encoding."""
    return (
        b"From: Pedro <pedro@example.es>\r\nSubject: fichero\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto el fichero.\r\n"
        b"--b\r\nContent-Type: application/octet-stream; name=datos.bin\r\n"
        b"Content-Transfer-Encoding: " + cte.encode() + b"\r\n\r\n" + payload + b"--b--\r\n"
    )


@pytest.mark.parametrize("cte", ["x-uuencode", "uuencode", "x-uue", "uue", "X-UUEncode"])
@pytest.mark.parametrize("begin", [True, False], ids=["with-begin", "no-begin"])
def test_uuencode_transfer_encoding(cte, begin):
    payload = (b"begin 644 datos.bin\r\n" if begin else b"") + uu_lines(eol=b"\r\n") + b"end\r\n"
    attachments = parse_message(uu_part_mail(cte, payload)).attachments
    assert [(a.filename, a.content) for a in attachments] == [("datos.bin", DATA)]


def test_uuencode_part_with_a_note_before_begin():
    payload = b"Here is the file you asked for:\r\n\r\nbegin 600 datos.bin\r\n"
    payload += uu_lines(eol=b"\r\n", strip=True) + b"end\r\n"
    attachments = parse_message(uu_part_mail("x-uuencode", payload)).attachments
    assert attachments[0].content == DATA


def text_mail(body: bytes, *headers: bytes) -> bytes:
    """A single-part text mail."""
    head = b"From: Pedro <pedro@example.es>\r\nSubject: fichero\r\n" + b"".join(headers)
    return head + b"\r\n" + body


def test_block_in_text_body_with_crlf_and_stripped_spaces():
    body = b"Hola, adjunto.\r\n\r\nbegin 644 datos.bin\r\n" + uu_lines(eol=b"\r\n", strip=True)
    mail = parse_message(text_mail(body + b"end\r\n\r\nSaludos\r\n"))
    assert [(a.filename, a.content) for a in mail.attachments] == [("datos.bin", DATA)]
    assert mail.text == "Hola, adjunto.\n\n\nSaludos\n"


def test_truncated_block_without_end_line():
    body = b"Hola, adjunto.\n\nbegin 644 datos.bin\n" + uu_lines() + b"\nGRACIAS\nPedro\n"
    mail = parse_message(text_mail(body))
    assert [(a.filename, a.content) for a in mail.attachments] == [("datos.bin", DATA)]
    assert mail.text == "Hola, adjunto.\n\n\nGRACIAS\nPedro\n"


def test_two_blocks_and_a_name_with_spaces_in_a_quoted_printable_part():
    first, second = b"uno" * 40, b"dos" * 10
    body = (
        b"Dos ficheros:\r\nbegin 0644 informe final.txt\r\n"
        + uu_lines(first, eol=b"\r\n")
        + b"end\r\nbegin 644 b.txt\r\n"
        + uu_lines(second, eol=b"\r\n")
        + b"end\r\nAdi=C3=B3s\r\n"
    )
    mail = parse_message(
        text_mail(
            body,
            b"Content-Type: text/plain; charset=utf-8\r\n",
            b"Content-Transfer-Encoding: quoted-printable\r\n",
        )
    )
    assert [(a.filename, a.content, a.content_type) for a in mail.attachments] == [
        ("informe final.txt", first, "text/plain"),
        ("b.txt", second, "text/plain"),
    ]
    assert mail.text == "Dos ficheros:\nAdiós\n"


def test_prose_that_mentions_begin_is_left_alone():
    body = "Para empezar escribe:\nbegin 644 fichero.txt\ny después pulsa Intro.\n"
    mail = parse_message(text_mail(body.encode(), b"Content-Type: text/plain; charset=utf-8\r\n"))
    assert mail.attachments == []
    assert mail.text == body


def test_uu_line_shape():
    assert is_uu_line(binascii.b2a_uu(b"x" * 45).decode())
    assert is_uu_line("`")
    assert not is_uu_line("GRACIAS")
    assert not is_uu_line("Saludos")


def test_helpers_agree():
    text, blocks = uu_blocks("a\nbegin 644 f\n" + uu_lines().decode() + "end\nb\n")
    assert (text, blocks) == ("a\nb\n", [("f", DATA)])
    assert uudecode(uu_lines()) == DATA
