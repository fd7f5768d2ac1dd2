"""compose_message: the bytes we send, read back with the stdlib parser."""

from __future__ import annotations

import random
from email import message_from_bytes, policy

import pytest

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.mail.models import Mailbox
from ventanilla.outbound.addresses import AddressError, address_problem, parse_address
from ventanilla.outbound.compose import (
    MAX_REFERENCES,
    bracket,
    new_message_id,
    references_chain,
)
from ventanilla.outbound.tests.drafts import compose_message
from ventanilla.parse.parsing import parse_message


def _mailbox() -> Mailbox:
    return Mailbox(
        name="Soporte Empresa",
        sender_name="Soporte Empresa",
        address="soporte@empresa.es",
        prefix="SOP",
    )


def _compose(**kw):
    mailbox = kw.pop("mailbox", _mailbox())
    defaults: dict[str, object] = {
        "message_id": new_message_id(mailbox=mailbox, ticket_number="SOP-2026-00042"),
        "to": ["Lucía Pérez <lucia@cliente.es>"],
        "subject": "[SOP-2026-00042] Hemos recibido tu solicitud: ¿Factura?",
        "text": "Hola, Lucía:\n\nHemos recibido tu solicitud.\n",
    }
    defaults.update(kw)
    raw = compose_message(mailbox=mailbox, **defaults)  # type: ignore[arg-type]
    return raw, message_from_bytes(raw, policy=policy.default)


def test_headers_and_body_round_trip():
    raw, msg = _compose(cc=["Ana <ana@cliente.es>"], language="es")
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert msg["From"].addresses[0].display_name == "Soporte Empresa"
    assert msg["From"].addresses[0].addr_spec == "soporte@empresa.es"
    assert msg["To"].addresses[0].display_name == "Lucía Pérez"
    assert msg["To"].addresses[0].addr_spec == "lucia@cliente.es"
    assert msg["Cc"].addresses[0].addr_spec == "ana@cliente.es"
    assert str(msg["Subject"]) == "[SOP-2026-00042] Hemos recibido tu solicitud: ¿Factura?"
    assert msg["Date"].datetime is not None
    assert msg["Content-Language"] == "es"
    assert msg["X-Loop"] == "soporte@empresa.es"
    body = msg.get_body(("plain",))
    assert body.get_content_charset() == "utf-8"
    assert body["Content-Transfer-Encoding"] == "quoted-printable"
    # The wire format has CRLF line ends (RFC 5322 §2.3).
    assert (
        body.get_content().replace("\r\n", "\n") == "Hola, Lucía:\n\nHemos recibido tu solicitud.\n"
    )


def test_message_id_is_signed_with_the_ticket_number():
    mailbox = _mailbox()
    mid = new_message_id(mailbox=mailbox, ticket_number="SOP-2026-00042")
    _raw, msg = _compose(mailbox=mailbox, message_id=mid)
    assert msg["Message-ID"] == f"<{mid}>"
    assert mid.endswith("@empresa.es")
    assert ticket_number_from_message_id(msg["Message-ID"]) == "SOP-2026-00042"
    plain = new_message_id(mailbox=mailbox)
    assert ticket_number_from_message_id(plain) is None
    assert plain.endswith("@empresa.es")


def test_automatic_mail_is_marked_as_such():
    _raw, auto = _compose(automatic=True)
    assert auto["Auto-Submitted"] == "auto-replied"
    assert auto["X-Auto-Response-Suppress"] == "All"
    assert auto["Precedence"] == "auto_reply"
    _raw, human = _compose(automatic=False)
    assert human["Auto-Submitted"] is None
    assert human["Precedence"] is None
    assert human["X-Loop"] == "soporte@empresa.es"


def test_reply_headers():
    refs = references_chain(parent_references=["a@x", "<b@x>"], parent_message_id="c@x")
    assert refs == ["<a@x>", "<b@x>", "<c@x>"]
    _raw, msg = _compose(in_reply_to="c@x", references=refs)
    assert msg["In-Reply-To"] == "<c@x>"
    assert msg["References"].split() == ["<a@x>", "<b@x>", "<c@x>"]


def test_references_are_bounded_keeping_root_and_latest():
    parents = [f"m{i}@x" for i in range(50)]
    refs = references_chain(parent_references=parents, parent_message_id="last@x")
    assert len(refs) == MAX_REFERENCES
    assert refs[0] == "<m0@x>"
    assert refs[-1] == "<last@x>"
    assert refs[-2] == "<m49@x>"


def test_references_drop_duplicates_and_empty():
    refs = references_chain(parent_references=["a@x", "<a@x>", ""], parent_message_id="")
    assert refs == ["<a@x>"]
    assert bracket("  <<id@x>> ") == "<id@x>"
    assert bracket("") == ""


def test_subject_newlines_cannot_inject_headers():
    raw, msg = _compose(subject="Hola\r\nBcc: victim@evil.example")
    assert msg["Bcc"] is None
    assert str(msg["Subject"]) == "Hola Bcc: victim@evil.example"
    assert b"\r\nBcc:" not in raw


def test_html_alternative():
    _raw, msg = _compose(html="<p>Hola</p>")
    assert msg.get_content_type() == "multipart/alternative"
    assert msg.get_body(("html",)).get_content().strip() == "<p>Hola</p>"
    assert "Hemos recibido" in msg.get_body(("plain",)).get_content()


# --- Internationalised and unusual addresses (RFC 2047, RFC 5890, RFC 6531/6532) -------------


def _lines(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")


def test_non_ascii_names_and_subject_are_encoded_words_and_raw_stays_ascii():
    raw, msg = _compose(
        to=['"Pérez, Lucía" <lucia@cliente.es>', 'Jo "JJ" Smith <jj@cliente.es>'],
        subject="[SOP-2026-00042] ¿Factura? " + "añadir más información " * 8,
    )
    assert raw.isascii()
    assert all(len(line) <= 78 for line in _lines(raw))
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("Pérez, Lucía", "lucia@cliente.es"),
        ('Jo "JJ" Smith', "jj@cliente.es"),
    ]
    assert str(msg["Subject"]) == "[SOP-2026-00042] ¿Factura? " + " ".join(
        ["añadir más información"] * 8
    )
    # The ASCII part of the subject stays readable in the raw source.
    assert b"Subject: [SOP-2026-00042]" in raw


def test_names_and_subjects_round_trip_whatever_they_contain():
    rng = random.Random(6532)
    pool = 'aZ09 ,;:."\\<>()[]@=?_-ñÑáé¿€😀\t'
    for _ in range(200):
        name = " ".join("".join(rng.choice(pool) for _ in range(rng.randint(1, 9))).split())
        subject = "".join(rng.choice(pool) for _ in range(rng.randint(0, 120)))
        quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        raw, msg = _compose(to=[f"{quoted} <lucia@cliente.es>"])
        assert msg["To"].addresses[0].display_name == name, raw
        raw, msg = _compose(subject=subject)
        assert str(msg["Subject"]) == " ".join(subject.split()), raw
        assert raw.isascii()
        assert all(len(line) <= 998 for line in _lines(raw))


def test_text_that_looks_like_an_encoded_word_is_not_decoded():
    _raw, msg = _compose(subject="Error =?utf-8?q?hola?= en la web", to=["=?utf-8?q?x?= <a@b.es>"])
    assert str(msg["Subject"]) == "Error =?utf-8?q?hola?= en la web"
    assert msg["To"].addresses[0].display_name == "=?utf-8?q?x?="


def test_internationalised_domain_becomes_its_ascii_form():
    raw, msg = _compose(to=["Jörg <jorg@müller.example>"])
    assert raw.isascii()
    assert msg["To"].addresses[0].domain == "xn--mller-kva.example"
    assert parse_address("jorg@müller.example").needs_smtputf8 is False


def test_idna_2003_2008_deviation_keeps_the_utf8_domain():
    # IDNA 2003 (the stdlib) would write "fass.de", another domain.
    address = parse_address("ana@faß.de")
    assert address.domain == "faß.de"
    assert address.needs_smtputf8


def test_non_ascii_local_part_is_written_as_utf8_rfc6532():
    raw, _msg = _compose(to=['"Jöhn Doe" <jdöe@mächine.example>'])
    assert not raw.isascii()
    assert "To: =?utf-8?q?J=C3=B6hn_Doe?= <jdöe@xn--mchine-bua.example>" in raw.decode("utf-8")
    parsed = parse_message(raw)
    assert [(a.name, a.email) for a in parsed.to] == [("Jöhn Doe", "jdöe@xn--mchine-bua.example")]
    assert parse_address("jdöe@mächine.example").needs_smtputf8


def test_quoted_local_parts_and_address_literals():
    raw, msg = _compose(to=['"john doe"@cliente.es', "x@[192.0.2.1]", "a..b@cliente.es"])
    assert b'To: "john doe"@cliente.es, x@[192.0.2.1], "a..b"@cliente.es\r\n' in raw
    assert [(a.username, a.domain) for a in msg["To"].addresses] == [
        ("john doe", "cliente.es"),
        ("x", "[192.0.2.1]"),
        ("a..b", "cliente.es"),
    ]
    assert parse_address('"john doe"@cliente.es').addr_spec == '"john doe"@cliente.es'


@pytest.mark.parametrize(
    "value",
    [
        "",
        "lucia",
        "lucia@",
        "@cliente.es",
        "lucia@cliente..es",
        "lucia@-cliente.es",
        "lucia@exa mple.es",
        "lu\x00cia@cliente.es",
        "lucia\r\nBcc: x@evil.example",
        "lucia@[192.0.2.1 ]",
        "x@" + "a" * 64 + ".es",
        "lucia@" + "ñ" * 70 + ".es",  # an IDNA label longer than 63 characters
    ],
)
def test_addresses_that_cannot_be_written_are_reported(value):
    assert address_problem(value)
    with pytest.raises(AddressError):
        _compose(to=[value])


def test_hostile_message_ids_are_left_out_of_reply_headers():
    refs = ["<ok@x>", "<with space@x>", "<" + "a" * 2000 + "@x>", "<ütf8@x>", "<inj\r\nBcc: a@b>"]
    raw, msg = _compose(in_reply_to="<bad id@x>", references=refs)
    assert msg["In-Reply-To"] is None
    assert msg["References"] == "<ok@x>"
    assert msg["Bcc"] is None
    assert raw.isascii()


def test_body_quoted_printable_keeps_every_line_intact():
    text = "From here on\n-- \nTab\tend\t\n" + "x" * 200 + "\n.\nÚltima línea"
    raw, msg = _compose(text=text)
    body = raw.split(b"\r\n\r\n", 1)[1]
    assert all(len(line) <= 76 for line in body.split(b"\r\n"))
    assert b"\nFrom " not in raw
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == text + "\n"
