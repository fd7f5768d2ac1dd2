"""Hostile input: generated messages must never crash the parser nor the pipeline.

(a) ``parse_message`` never raises and always returns storable values (no NUL, no lone
surrogates, bounded lengths, safe file names). (b) Through ``ingest_raw`` and
``inbound_process`` every message ends processed, ignored, duplicate or quarantined:
never an exception out of ``inbound_process``, never left ``received``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ventanilla.parse.parsing import parse_message

HEADER_NAMES = [
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Sender",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Content-ID",
    "MIME-Version",
    "Auto-Submitted",
    "Precedence",
    "List-Id",
    "Return-Path",
    "X-Loop",
    "X-Autoreply",
    "Received",
]
CTYPES = [
    "text/plain",
    "text/html",
    "text/calendar",
    "image/png",
    "application/pdf",
    "message/rfc822",
    "message/delivery-status",
    "text/rfc822-headers",
    "application/octet-stream",
    "multipart/mixed",
    "x/y/z",
    "",
    "text",
]
CTES = [
    "",
    "7bit",
    "8bit",
    "base64",
    "quoted-printable",
    "quoted printable",
    "x-uuencode",
    "garbage",
    "BASE64",
    "binary",
]
CHARSETS = [
    "utf-8",
    "uft-8",
    "us-ascii",
    "iso-8859-1",
    "x-unknown",
    "utf-7",
    "iso-2022-jp",
    "ks_c_5601-1987",
    "x-mac-cyrillic",
    "iso-8859-8-i",
    "zlib",
    "unicode-escape",
    "",
]
SUBTYPES = ["mixed", "alternative", "related", "report", "signed", "digest", "x-weird"]

text_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
raw_values = st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))
header_value = st.one_of(
    text_values.map(lambda t: t.encode("utf-8")),
    text_values.map(lambda t: t.encode("latin-1", "replace")),
    raw_values,
    st.sampled_from(
        [
            b"=?utf-8?B?w6E=?=",
            b"=?bogus?Q?=FF=00?=",
            b"<a@b> <c@d",
            b"alice@x.es <bob@y.es>",
            b'"unterminated <a@b>',
            b"group: a@b, (c) <d@e>;",
            b"=?utf-8?B?",
            b"(((",
            b"\\",
        ]
    ),
)
header_name = st.one_of(
    st.sampled_from(HEADER_NAMES),
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20
    ).filter(lambda n: ":" not in n),
)
headers = st.lists(st.tuples(header_name, header_value), max_size=12)
body = st.one_of(st.binary(max_size=300), text_values.map(lambda t: t.encode("utf-8")))
boundary = st.one_of(
    st.sampled_from(["b", "-", "a b", "\u00e9", "=_x", ""]),
    st.text(alphabet="abc-_=. ", max_size=10),
)


def _header_bytes(items) -> bytes:
    return b"".join(name.encode() + b": " + value + b"\r\n" for name, value in items)


@st.composite
def leaf(draw):
    """One MIME leaf with random type, charset, transfer encoding and body."""
    ctype = draw(st.sampled_from(CTYPES))
    params = f"; charset={draw(st.sampled_from(CHARSETS))}; name={draw(st.text(max_size=12))}"
    lines = [
        ("Content-Type", (ctype + params).encode("utf-8", "surrogatepass")),
        ("Content-Transfer-Encoding", draw(st.sampled_from(CTES)).encode()),
        (
            "Content-Disposition",
            draw(
                st.sampled_from(
                    [
                        b"",
                        b"inline",
                        b"attachment; filename=a/b",
                        b"x-custom",
                        b"attachment; filename*=x''%FF",
                    ]
                )
            ),
        ),
    ]
    return _header_bytes(lines) + b"\r\n" + draw(body)


def _multipart(children: list[bytes], subtype: str, sep: str, close: bool) -> bytes:
    mark = sep.encode("utf-8")
    out = b"Content-Type: multipart/" + subtype.encode() + b'; boundary="' + mark + b'"\r\n\r\n'
    for child in children:
        out += b"--" + mark + b"\r\n" + child + b"\r\n"
    return out + (b"--" + mark + b"--\r\n" if close else b"")


mime_tree = st.recursive(
    leaf(),
    lambda kids: st.builds(
        _multipart, st.lists(kids, max_size=4), st.sampled_from(SUBTYPES), boundary, st.booleans()
    ),
    max_leaves=8,
)


@st.composite
def hostile_message(draw):
    """Random headers on top of a random MIME tree, sometimes with CR or LF line ends."""
    raw = _header_bytes(draw(headers)) + draw(mime_tree)
    eol = draw(st.sampled_from([b"\r\n", b"\n", b"\r"]))
    return raw.replace(b"\r\n", eol)


VALID = (
    "From: Lucía Pérez <lucia@cliente.es>\r\nTo: soporte@empresa.es\r\n"
    "Subject: =?utf-8?Q?Contrase=C3=B1a?=\r\nMessage-ID: <m1@cliente.es>\r\n"
    'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    '--b1\r\nContent-Type: multipart/alternative; boundary="b2"\r\n\r\n'
    "--b2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "¿Podéis ayudarme? C:\\Users\\new\\file.ini\r\n--b2\r\nContent-Type: text/html\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>=C2=BFPod=C3=A9is?</p>\r\n--b2--\r\n"
    "--b1\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename*=utf-8''a%C3%B1o.pdf\r\n\r\nJVBERi0xLjQK\r\n"
    "--b1\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.es\r\nSubject: dentro\r\n\r\nhola\r\n"
    "--b1--\r\n"
).encode()
truncated = st.integers(min_value=0, max_value=len(VALID)).map(lambda n: VALID[:n])
any_message = st.one_of(hostile_message(), truncated, st.binary(max_size=500))


def assert_storable(mail) -> None:
    """Every string is valid UTF-8 without NUL; lengths fit the columns they go to."""
    strings = [
        mail.subject,
        mail.text,
        mail.html,
        mail.message_id,
        *mail.references,
        *mail.in_reply_to,
    ]
    for address in [mail.sender, *mail.to, *mail.cc, *mail.reply_to]:
        if address is not None:
            strings += [address.name, address.email]
            assert "@" in address.email
            assert address.email == address.email.lower()
            assert len(address.email) <= 320
            assert len(address.name) <= 200
    for attachment in mail.attachments:
        strings += [attachment.filename, attachment.content_type, attachment.content_id]
        assert not any(c in attachment.filename for c in "/\\\r\n\t")
        assert len(attachment.filename) <= 200
        assert len(attachment.content_type) <= 255
        assert isinstance(attachment.content, bytes)
    for value in strings:
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogates
    assert len(mail.subject) <= 998
    assert len(mail.message_id) <= 998


@settings(max_examples=150, deadline=None)
@given(any_message)
def test_parse_never_raises(raw):
    assert_storable(parse_message(raw))


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=1, max_size=2000))
def test_parse_random_bytes_after_valid_headers(tail):
    assert_storable(parse_message(VALID[:200] + tail))


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=any_message)
def test_pipeline_never_crashes_nor_sticks(mailbox, raw):
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.mail.models import InboundMessage, InboundState
    from ventanilla.pipeline.services import inbound_process

    result = ingest_raw(raw, source="smtp", envelope_to=[mailbox.address], process=False)
    if result.created:
        inbound_process(inbound_id=result.inbound.pk)
    state = InboundMessage.objects.get(pk=result.inbound.pk).state
    assert state in {
        InboundState.PROCESSED,
        InboundState.IGNORED,
        InboundState.DUPLICATE,
        InboundState.QUARANTINED,
    }
