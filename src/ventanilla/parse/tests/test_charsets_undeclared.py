"""Charset decoding of raw 8-bit text that declares no charset (headers, bodies, file names).

Every fixture is built here as bytes, the way the sending clients write them.
"""

from __future__ import annotations

import base64

import pytest

from ventanilla.parse.parsing import parse_message
from ventanilla.parse.tests.builders import mail_bytes

# --- raw 8-bit text that declares no charset ------------------------------------------


def undeclared(text: str, encoding: str) -> bytes:
    """``text`` as raw bytes in ``encoding``, the way a client without MIME sends it."""
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_mail_without_any_charset(encoding):
    raw = mail_bytes(
        b"From: " + undeclared("王小明", encoding) + b" <wang@example.cn>",
        b"Subject: " + undeclared("关于下周会议的安排", encoding),
        "MIME-Version: 1.0",
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: 8bit",
        body=undeclared("您好，请查收附件中的报价单。谢谢！\r\n", encoding),
    )
    mail = parse_message(raw)
    assert mail.subject == "关于下周会议的安排"
    assert mail.sender is not None
    assert mail.sender.name == "王小明"
    assert mail.text == "您好，请查收附件中的报价单。谢谢！\n"


def test_short_raw_subject_read_in_the_charset_the_body_declares():
    # Two hanzi are four bytes: only the body's label says they are GB2312, not Big5.
    raw = mail_bytes(
        "From: li@example.cn",
        b"Subject: " + undeclared("测试", "gb2312"),
        "Content-Type: text/plain; charset=gb2312",
        "Content-Transfer-Encoding: base64",
        body=base64.b64encode("测试邮件".encode("gb2312")) + b"\r\n",
    )
    assert parse_message(raw).subject == "测试"


@pytest.mark.parametrize("encoding", ["koi8_r", "cp1251"])
def test_russian_mail_without_any_charset(encoding):
    raw = mail_bytes(
        b"From: " + undeclared("Иван Петров", encoding) + b" <ivan@example.ru>",
        b"Subject: " + undeclared("Счёт на оплату", encoding),
        body=undeclared("Здравствуйте! Прошу выставить счёт за март.\r\n", encoding),
    )
    mail = parse_message(raw)
    assert mail.subject == "Счёт на оплату"
    assert mail.sender is not None
    assert mail.sender.name == "Иван Петров"
    assert mail.text == "Здравствуйте! Прошу выставить счёт за март.\n"


def test_japanese_shift_jis_subject_and_file_name_without_charset():
    name = undeclared("見積書.pdf", "cp932")
    raw = mail_bytes(
        "From: yamada@example.jp",
        b"Subject: " + undeclared("会議", "cp932"),
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/plain\r\n\r\n"
        + undeclared("お世話になっております。見積書をお送りします。\r\n", "cp932")
        + b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + name
        + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n',
    )
    mail = parse_message(raw)
    assert mail.subject == "会議"
    assert mail.text == "お世話になっております。見積書をお送りします。"
    assert [a.filename for a in mail.attachments] == ["見積書.pdf"]
    assert mail.header("Subject") == "会議"  # read again later, from the parsed message


def test_raw_file_name_read_in_the_charset_the_message_declares():
    raw = mail_bytes(
        "From: chan@example.hk",
        "Subject: =?big5?B?" + base64.b64encode("報價".encode("big5")).decode() + "?=",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/plain; charset=big5\r\n\r\nok\r\n"
        b'--b\r\nContent-Type: application/pdf; name="'
        + undeclared("報價單.pdf", "big5")
        + b'"\r\n\r\n%PDF\r\n--b--\r\n',
    )
    assert [a.filename for a in parse_message(raw).attachments] == ["報價單.pdf"]


def test_unknown_8bit_encoded_word_uses_the_message_evidence():
    word = base64.b64encode(undeclared("Привет", "koi8_r")).decode()
    raw = mail_bytes(
        "From: a@example.ru",
        f"Subject: =?unknown-8bit?B?{word}?=",
        "Content-Type: text/plain; charset=koi8-r",
        body=undeclared("Добрый день\r\n", "koi8_r"),
    )
    assert parse_message(raw).subject == "Привет"


# Spanish and Western mail (most of our users) must keep decoding as before.


def test_raw_latin1_spanish_headers_body_and_file_name():
    raw = mail_bytes(
        b"From: Mar\xeda Nu\xf1ez <maria@cliente.es>",
        b"Subject: Solicitud de informaci\xf3n",
        b"Cc: Jos\xe9 <jose@cliente.es>",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/plain\r\n\r\n"
        b"Hola, \xbfpodr\xedan enviarme la factura del a\xf1o pasado? Gracias\r\n"
        b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        b'presupuesto a\xf1o.pdf"\r\n\r\n%PDF\r\n--b--\r\n',
    )
    mail = parse_message(raw)
    assert mail.sender is not None
    assert mail.sender.name == "María Nuñez"
    assert mail.subject == "Solicitud de información"
    assert mail.cc[0].name == "José"
    assert mail.text == "Hola, ¿podrían enviarme la factura del año pasado? Gracias"
    assert [a.filename for a in mail.attachments] == ["presupuesto año.pdf"]


@pytest.mark.parametrize(
    "text",
    [
        "Núñez",
        "Atención: 2ª entrega del pedido nº 45 – 30 m² – 25 €",
        "«Urgente» ¿Qué pasó con el envío? it´s ok",
        "Größe und Gewicht; Çà et là, l’été; ações",
        "ÁREA DE ATENCIÓN AL CLIENTE",
    ],
)
def test_western_text_without_charset_is_cp1252(text):
    raw = mail_bytes(b"From: a@cliente.es", b"Subject: " + text.encode("cp1252"))
    assert parse_message(raw).subject == text


def test_raw_latin1_subject_with_a_declared_latin1_body():
    raw = mail_bytes(
        b"From: a@cliente.es",
        b"Subject: Reuni\xf3n ma\xf1ana",
        b"Content-Type: text/plain; charset=iso-8859-1",
        body=b"Nos vemos ma\xf1ana.\r\n",
    )
    assert parse_message(raw).subject == "Reunión mañana"


def test_ordinary_mail_never_calls_the_detector(monkeypatch):
    from ventanilla.parse.mime import detect

    calls: list[bytes] = []
    real = detect.detect

    def counting(data: bytes) -> str | None:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(detect, "detect", counting)
    for raw in (
        mail_bytes("From: a@b.es", "Subject: hola", body=b"Hola\r\n"),
        mail_bytes(
            "From: Mar\u00eda <a@b.es>", "Subject: Contrase\u00f1a", body="Año\r\n".encode()
        ),
        mail_bytes(b"From: Mar\xeda <a@b.es>", b"Subject: informaci\xf3n", body=b"A\xf1o\r\n"),
    ):
        parse_message(raw)
    assert calls == []
    parse_message(mail_bytes(b"From: a@b.ru", b"Subject: " + undeclared("Привет", "koi8_r")))
    assert calls  # the detector is reached, only for text that needs it


def test_spanish_raw_headers_in_a_thread_quoting_chinese_and_russian_mail():
    # The declared charsets belong to a forwarded message; the Spanish headers are raw
    # latin-1 and must not be read as GBK or KOI8-R.
    forwarded = (
        b"Content-Type: message/rfc822\r\n\r\n"
        b"From: li@example.cn\r\nSubject: =?gb2312?B?"
        + base64.b64encode("报价".encode("gb2312"))
        + b"?=\r\nContent-Type: text/plain; charset=gb2312\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode("报价单见附件".encode("gb2312"))
        + b"\r\n"
    )
    raw = mail_bytes(
        b"From: Mar\xeda Nu\xf1ez <maria@cliente.es>",
        b"Subject: Fwd: presupuesto del a\xf1o",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n"
        + undeclared("Привет", "koi8_r")
        + b"\r\n--b\r\n"
        + forwarded
        + b"--b--\r\n",
    )
    mail = parse_message(raw)
    assert mail.sender is not None
    assert mail.sender.name == "María Nuñez"
    assert mail.subject == "Fwd: presupuesto del año"


def attachment_mail(disposition: bytes, *, body_charset: str = "") -> bytes:
    """A mail whose attachment has the given Content-Disposition line."""
    label = f"; charset={body_charset}".encode() if body_charset else b""
    return mail_bytes(
        "From: a@example.com",
        "Subject: fichero",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/plain" + label + b"\r\n\r\nok\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\n" + disposition + b"\r\n\r\n"
        b"xx\r\n--b--\r\n",
    )


def percent(text: str, encoding: str) -> bytes:
    """RFC 2231 %-encoding of ``text`` in ``encoding``."""
    return "".join(f"%{b:02X}" for b in text.encode(encoding)).encode()


@pytest.mark.parametrize(
    ("name", "encoding", "charset", "body_charset"),
    [
        ("报价单.pdf", "gbk", "", ""),  # RFC 2231 §4 lets the charset be empty
        ("Договор.doc", "koi8_r", "us-ascii", "koi8-r"),  # a label that cannot be right
        ("見積書.pdf", "cp932", "", "shift_jis"),
        ("presupuesto año.pdf", "cp1252", "", ""),  # Spanish keeps working
    ],
)
def test_rfc2231_file_name_without_a_usable_charset(name, encoding, charset, body_charset):
    value = percent(name, encoding)
    disposition = b"Content-Disposition: attachment; filename*=" + charset.encode() + b"''"
    raw = attachment_mail(disposition + value, body_charset=body_charset)
    assert [a.filename for a in parse_message(raw).attachments] == [name]
    # The same name split over RFC 2231 continuations (cut between two bytes).
    cut = value.index(b"%", len(value) // 2)
    split = disposition.replace(b"filename*=", b"filename*0*=") + value[:cut]
    raw = attachment_mail(split + b";\r\n filename*1*=" + value[cut:], body_charset=body_charset)
    assert [a.filename for a in parse_message(raw).attachments] == [name]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Привет, мир", "koi8_r"),
        ("Счёт на оплату", "cp1251"),
        ("Договор.doc", "koi8_r"),
        ("中文测试", "gbk"),
        ("报价单.pdf", "gbk"),
        ("會議通知", "big5"),
        ("会議のお知らせ", "cp932"),
        ("会議のお知らせ", "euc_jp"),
        ("テスト", "cp932"),
        ("회의 일정", "cp949"),
        ("안녕하세요", "cp949"),
        ("Τιμολόγιο Μαρτίου", "cp1253"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy", "cp1250"),
    ],
)
def test_detector_alone_on_short_strings(text, encoding):
    from ventanilla.parse.mime.detect import detect, looks_western

    data = text.encode(encoding)
    assert not looks_western(data)
    assert data.decode(detect(data) or "cp1252") == text
