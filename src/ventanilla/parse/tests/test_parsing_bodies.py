"""``parse_message`` decoding bodies: wrong or missing charset labels, transfer encodings."""

from __future__ import annotations

import base64
import binascii

import pytest

from ventanilla.parse.parsing import decode_bytes, parse_message
from ventanilla.parse.tests.builders import FROM, raw_mail

# --- charsets -------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["x-unknown", "uft-8", "us-ascii", "utf8", '"UTF-8"'])
def test_wrong_charset_labels_on_utf8_body(label):
    body = "Contraseña olvidada, ¿podéis ayudarme?\n".encode()
    raw = raw_mail(
        FROM,
        f"Content-Type: text/plain; charset={label}",
        "Content-Transfer-Encoding: 8bit",
        body=body,
    )
    assert parse_message(raw).text == "Contraseña olvidada, ¿podéis ayudarme?\n"


def test_ascii_label_on_cp1252_body():
    raw = raw_mail(FROM, "Content-Type: text/plain; charset=us-ascii", body=b"Caf\xe9 \x80 5\n")
    mail = parse_message(raw)
    assert mail.text == "Café € 5\n"
    assert "charset-guessed" in mail.defects


def test_latin1_label_on_utf8_body_is_read_as_utf8():
    raw = raw_mail(
        FROM, "Content-Type: text/plain; charset=iso-8859-1", body="Año nuevo\n".encode()
    )
    assert parse_message(raw).text == "Año nuevo\n"


def test_real_latin1_body():
    raw = raw_mail(FROM, "Content-Type: text/plain; charset=iso-8859-1", body=b"A\xf1o nuevo\n")
    assert parse_message(raw).text == "Año nuevo\n"


def test_missing_content_type_with_8bit_utf8_body():
    raw = raw_mail(FROM, "Subject: sin tipo", body="¿Podéis mirarlo? Gracias\n".encode())
    assert parse_message(raw).text == "¿Podéis mirarlo? Gracias\n"


def test_declared_utf8_mixed_with_latin1_bytes():
    body = "Tohle je test českých písmen. ".encode() + b"Det h\xe4r \xe4r ok\n"
    raw = raw_mail(FROM, "Content-Type: text/plain; charset=utf-8", body=body)
    assert parse_message(raw).text == "Tohle je test českých písmen. Det här är ok\n"


def test_japanese_label_on_other_japanese_encoding():
    body = "配信できませんでした".encode("euc_jp")
    raw = raw_mail(FROM, "Content-Type: text/plain; charset=iso-2022-jp", body=body)
    assert parse_message(raw).text == "配信できませんでした"


def test_html_charset_from_meta_tag():
    html = b'<html><head><meta charset="windows-1252"></head><body>Se\xf1or</body></html>'
    raw = raw_mail(FROM, "Content-Type: text/html", body=html)
    mail = parse_message(raw)
    assert "Señor" in mail.html
    assert mail.text == ""  # the body step derives text from HTML


def test_decode_bytes_refuses_codecs_that_are_not_charsets():
    text, guessed = decode_bytes(b"C:\\Users\\new\\file.ini \xc3\xb1", "unicode_escape")
    assert text == "C:\\Users\\new\\file.ini ñ"
    assert guessed


def test_windows_paths_survive_in_8bit_utf8():
    body = "Instalé en C:\\Users\\new\\file.ini y C:\\temp\\x.log; Contraseña\n"
    raw = raw_mail(
        FROM,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        body=body.encode(),
    )
    assert parse_message(raw).text == body


# --- transfer encodings -----------------------------------------------------------------


def test_bad_base64_is_decoded_leniently():
    good = base64.b64encode("Contraseña ".encode()).decode()
    raw = raw_mail(
        FROM,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        body=f"{good}!!\r\n{good}Q\r\n",
    )
    assert parse_message(raw).text.startswith("Contraseña Contraseña")


@pytest.mark.parametrize("cte", ["quoted printable", "Quoted_Printable", "QUOTED-PRINTABLE"])
def test_odd_quoted_printable_spellings(cte):
    raw = raw_mail(
        FROM,
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Transfer-Encoding: {cte}",
        body=b"Contrase=C3=B1a =ZZ ok=\r\n!\r\n",
    )
    assert parse_message(raw).text == "Contraseña =ZZ ok!\n"


def test_uuencoded_body_becomes_an_attachment():
    data = bytes(range(200))
    lines = [binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45)]
    body = b"Adjunto el fichero.\n\nbegin 644 datos.bin\n" + b"".join(lines) + b"`\nend\n"
    mail = parse_message(raw_mail(FROM, body=body))
    assert mail.text.strip() == "Adjunto el fichero."
    assert [(a.filename, a.content) for a in mail.attachments] == [("datos.bin", data)]
