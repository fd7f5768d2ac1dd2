"""``parse_message`` never raises: garbage, deep nesting, odd line ends, stdlib parser crashes."""

from __future__ import annotations

import pytest

from ventanilla.parse.parsing import parse_message
from ventanilla.parse.tests.builders import FROM, PNG, mime, multipart, part, raw_mail, sender

# --- never raises -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x00\x00",
        b"\xff\xfe\xfd garbage \x80\x81",
        b"\r\r\r",
        b"\n\n\n",
        b":\n:\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20,  # an OLE2 (.msg) file
        b"Content-Type: multipart/mixed; boundary=x\n\n" + b"--x\nContent-Type: multipart/mixed;"
        b" boundary=x\n\n" * 200,
    ],
)
def test_garbage_never_raises(raw):
    mail = parse_message(raw)
    assert mail.message is not None
    assert "\x00" not in mail.text + mail.html + mail.subject


def test_deep_nesting_is_cut_not_fatal():
    depth = 300
    opening = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(depth)
    )
    mail = parse_message(b"From: a@b.es\n" + opening + b"Content-Type: text/plain\n\nfondo\n")
    assert sender(mail).email == "a@b.es"
    assert any("deep" in d or "parse" in d for d in mail.defects)


def test_nul_bytes_are_dropped_from_text():
    mail = parse_message(raw_mail(FROM, "Subject: a\x00b", body=b"uno\x00dos\n"))
    assert mail.text == "unodos\n"
    assert mail.subject == "a b"


def test_cr_only_line_endings():
    raw = raw_mail(
        FROM,
        "Subject: Hola",
        "Content-Transfer-Encoding: quoted-printable",
        body=b"l=C3=ADnea muy larga =\rsigue\r",
        eol=b"\r",
    )
    mail = parse_message(raw)
    assert mail.subject == "Hola"
    assert sender(mail).email == "lucia@cliente.es"
    assert mail.text == "línea muy larga sigue\n"


# --- stdlib header-registry crashes ----------------------------------------------------


def test_content_type_that_crashes_the_stdlib_parser():
    # policy.default raises IndexError inside message_from_bytes for "; a*" (CPython 3.11).
    raw = mime(multipart("mixed; a*", part("text/plain; charset=utf-8; b*0*", "Contraseña")))
    mail = parse_message(raw)
    assert mail.text == "Contraseña"
    assert mail.subject == "prueba"
    assert "parsed-with-compat32" in mail.defects


@pytest.mark.parametrize(
    "header", ['To: "', "To: *:;\\?q?.;<*\t=(", "Message-ID: <>%a", "Cc: ,\t.*',;?b?\xff\xff"]
)
def test_headers_whose_registry_objects_raise(header):
    raw = raw_mail(FROM, header.encode("latin-1"), "Subject: ok")
    mail = parse_message(raw)  # reading these through message[...] raises in CPython 3.11
    name = header.split(":", 1)[0]
    assert isinstance(mail.header(name), str)
    assert (mail.subject, sender(mail).email) == ("ok", "lucia@cliente.es")
    assert "<" not in mail.message_id


def test_parts_hidden_in_the_epilogue_are_recovered():
    # The inner multipart reuses the outer boundary (spamscope mail_malformed_1).
    inner = multipart("alternative", part("text/plain", "Hola"), boundary="same")
    raw = mime(
        'Content-Type: multipart/mixed; boundary="same"\r\n\r\n--same\r\n'
        + inner
        + "\r\n--same\r\n"
        + part("application/zip; name=a.zip", PNG, "Content-Transfer-Encoding: base64")
        + "\r\n--same--\r\n"
    )
    mail = parse_message(raw)
    assert mail.text == "Hola"
    assert [(a.filename, a.content) for a in mail.attachments] == [("a.zip", b"\x89PNG fake")]
