"""Charset decoding: vendor supersets of declared charsets, and undeclared 8-bit text.

Every fixture is built here as bytes, the way the sending clients write them.
"""

from __future__ import annotations

import base64

import pytest

from ventanilla.parse.mime.charsets import codec_name, decode_bytes
from ventanilla.parse.parsing import parse_message
from ventanilla.parse.tests.builders import mail_bytes

# JIS X 0208 pairs as Outlook / Japanese phones write them in ISO-2022-JP (CP50220):
# NEC row 13 (①=2D21, ②=2D22, ㈱=2D6A, Ⅹ=2D3E, ㌔=2D41) and NEC-selected IBM rows 89
# and 92 (纊=7921, 髙=7C62).
KANJI_IN, ASCII_IN = b"\x1b$B", b"\x1b(B"


NEC_BYTES = KANJI_IN + b'-!-"-j->-Ay!|b' + ASCII_IN


NEC_TEXT = "①②㈱Ⅹ㌔纊髙"


# 会議 (JIS 3271 3544) in plain JIS X 0208.
MEETING_BYTES = KANJI_IN + b"2q5D" + ASCII_IN


# --- declared charsets whose strict codec fails ---------------------------------------


def test_iso2022jp_with_nec_and_ibm_characters_in_body_and_subject():
    subject = base64.b64encode(MEETING_BYTES + b" " + NEC_BYTES).decode()
    raw = mail_bytes(
        "From: Tanaka <tanaka@example.jp>",
        f"Subject: =?ISO-2022-JP?B?{subject}?=",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=ISO-2022-JP",
        "Content-Transfer-Encoding: 7bit",
        body=MEETING_BYTES + b" " + NEC_BYTES + b"\r\n",
    )
    mail = parse_message(raw)
    assert mail.subject == f"会議 {NEC_TEXT}"
    assert mail.text == f"会議 {NEC_TEXT}\n"


def test_iso2022jp_halfwidth_katakana_escape():
    # ESC ( I selects JIS X 0201 katakana: 0x31 is ｱ, 0x32 is ｲ.
    text, _ = decode_bytes(b"\x1b(I12" + ASCII_IN + b" ok", "iso-2022-jp")
    assert text == "ｱｲ ok"


def test_plain_iso2022jp_is_not_flagged_as_guessed():
    assert decode_bytes(MEETING_BYTES, "iso-2022-jp") == ("会議", False)


def test_euc_jp_nec_row_13():
    assert decode_bytes("①会議".encode("euc_jis_2004"), "euc-jp")[0] == "①会議"


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        ("喆 ok", "gbk", "gb2312"),  # GBK-only hanzi in mail labelled GB2312
        ("똠방각하", "cp949", "ks_c_5601-1987"),  # Unified Hangul Code beyond KS X 1001
        ("똠", "cp949", "euc-kr"),
        ("会議は①から", "cp932", "shift_jis"),  # NEC row 13 in "Shift_JIS"
        ("precio 5€", "cp950", "big5"),  # the euro sign exists only in cp950
        ("precio 5€ – “ok”", "cp1252", "ISO_8859-1"),  # any spelling of latin-1
        ("€ ok", "cp1252", "l1"),
        ("Doğru €", "cp1254", "iso-8859-9"),  # latin-5 means windows-1254
    ],
)
def test_declared_charset_read_as_its_vendor_superset(text, encoding, label):
    raw = mail_bytes(
        "From: a@example.com",
        f"Content-Type: text/plain; charset={label}",
        "Content-Transfer-Encoding: 8bit",
        body=text.encode(encoding),
    )
    assert parse_message(raw).text == text


def test_superset_table_applies_to_every_spelling():
    assert {codec_name(x) for x in ("latin1", "ISO-8859-1", "cp819", "iso_8859-1:1987")} == {
        "cp1252"
    }
    assert codec_name("Windows-31J") == codec_name("x-sjis") == "cp932"
