"""compose_message: the bytes we send, read back with the stdlib parser."""

from __future__ import annotations

from email import message_from_bytes, policy

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.mail.models import Mailbox
from ventanilla.mail.outbound.compose import (
    MAX_REFERENCES,
    bracket,
    compose_message,
    new_message_id,
    references_chain,
)


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
