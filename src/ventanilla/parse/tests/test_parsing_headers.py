"""``parse_message`` reading headers: 8-bit and encoded words, addresses, ids, dates, policy."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ventanilla.parse.parsing import decode_words, header_str, header_strs, parse_message
from ventanilla.parse.tests.builders import FROM, raw_mail, sender

# --- headers --------------------------------------------------------------------------


def test_raw_8bit_headers_utf8_and_latin1():
    raw = raw_mail(
        "From: Mar\xc3\xada <maria@cliente.es>".encode("latin-1"),
        "Subject: Contrase\xc3\xb1a caducada".encode("latin-1"),
        b"Cc: Jos\xe9 <jose@cliente.es>",
    )
    mail = parse_message(raw)
    assert sender(mail).name == "María"
    assert mail.subject == "Contraseña caducada"
    assert mail.cc[0].name == "José"
    assert header_str(mail.message, "subject") == "Contraseña caducada"


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        ("=?iso-8859-8-i?B?4e3w5A==?=", "בםנה"),
        ("=?ks_c_5601-1987?B?u+fB+C5KUEc=?=", "사진.JPG"),
        ("=?x-mac-cyrillic?Q?=8F=F0=E8=E2=E5=F2?=", "Привет"),
        ("=?UTF-7?Q?+AMk-t+AOk-?=", "Été"),
        ("=?utf-8?B?wr9Qb2TDqWlz?= =?utf-8?B?IGF5dWRhcm1lPw==?=", "¿Podéis ayudarme?"),
        ("=?utf-8?B?w6E=?=\r\n =?utf-8?B?w7E=?=", "áñ"),
        ("=?utf-8?Q?Contrase=C3=B1a?= olvidada", "Contraseña olvidada"),
        ("=?NONE?B?VEVTVA=?=", "TEST"),
        ("=?utf-8?B?broken!!?=", None),
        ("plain =?unknown?Q?caf=E9?=", "plain café"),
    ],
)
def test_encoded_words(encoded, expected):
    mail = parse_message(raw_mail(FROM, f"Subject: {encoded}"))
    if expected is None:  # junk base64: whatever comes out is printable, encodable text
        assert mail.subject.isprintable()
        assert mail.subject.encode()
    else:
        assert mail.subject == expected


def test_multibyte_character_split_across_words():
    word = "ñ".encode()
    split = (
        f"=?utf-8?B?{base64.b64encode(b'a' + word[:1]).decode()}?= "
        f"=?utf-8?B?{base64.b64encode(word[1:]).decode()}?="
    )
    assert decode_words(split) == "añ"


def test_header_strs_and_missing_headers():
    mail = parse_message(raw_mail(FROM, "Received: uno", "Received: dos"))
    assert header_strs(mail.message, "received") == ["uno", "dos"]
    assert header_str(mail.message, "X-Nada") == ""
    assert mail.header("From") == "Lucía <lucia@cliente.es>"


def test_long_subject_is_bounded():
    mail = parse_message(raw_mail(FROM, "Subject: " + "x" * 3000))
    assert len(mail.subject) == 998


# --- addresses ------------------------------------------------------------------------


def test_address_looking_display_name_is_only_a_name():
    mail = parse_message(raw_mail("From: alice@example.com <bob@example.com>"))
    assert sender(mail).email == "bob@example.com"
    assert sender(mail).name == "alice@example.com"


def test_encoded_display_name_with_comma_and_a_second_address():
    raw = raw_mail(FROM, "To: =?utf-8?Q?P=C3=A9rez,_Luc=C3=ADa?= <L@X.es>, Otro <o@x.es>")
    assert [(a.name, a.email) for a in parse_message(raw).to] == [
        ("Pérez, Lucía", "l@x.es"),
        ("Otro", "o@x.es"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"Pérez, Ana" <ana@x.es>', [("Pérez, Ana", "ana@x.es")]),
        ("ana@x.es (Ana Pérez)", [("Ana Pérez", "ana@x.es")]),
        ("Equipo: ana@x.es, luis@x.es;", [("", "ana@x.es"), ("", "luis@x.es")]),
        ("undisclosed-recipients:;", []),
        ("<<>>, garbage, @, a@, @b", []),
        ("Pete(A \\) chap) <pete(his account)@silly.test(host)>", [("Pete", "pete@silly.test")]),
        ("<mailto:Ana@X.es>", [("", "ana@x.es")]),
        ('"=?utf-8?Q?Jos=C3=A9?=" <jose@x.es>', [("José", "jose@x.es")]),
        ("Ana Pérez ana@x.es", [("Ana Pérez", "ana@x.es")]),
    ],
)
def test_malformed_address_lists(value, expected):
    mail = parse_message(raw_mail(FROM, f"To: {value}"))
    assert [(a.name, a.email) for a in mail.to] == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["From: nadie", "Sender: sender@x.es"], "sender@x.es"),
        (["From: <>", "Reply-To: Vuelta <vuelta@x.es>"], "vuelta@x.es"),
        (["Subject: sin remitente"], None),
    ],
)
def test_sender_fallbacks(headers, expected):
    mail = parse_message(raw_mail(*headers))
    assert (sender(mail).email if mail.sender else None) == expected
    assert ("no-sender" in mail.defects) == (expected is None)


# --- ids and dates --------------------------------------------------------------------


def test_message_ids_and_references():
    raw = raw_mail(
        FROM,
        "Message-ID:  < abc@x.es >",
        "In-Reply-To: <p@x.es> (Lucía's mail)",
        "References: <r1@x.es>,<r2@x.es>\r\n\t<r3@x.es> <r1@x.es>",
    )
    mail = parse_message(raw)
    assert mail.message_id == "abc@x.es"
    assert mail.in_reply_to == ["p@x.es"]
    assert mail.references == ["r1@x.es", "r2@x.es", "r3@x.es"]


def test_references_without_brackets():
    mail = parse_message(raw_mail(FROM, "References: r1@x.es, r2@x.es r3@x.es"))
    assert mail.references == ["r1@x.es", "r2@x.es", "r3@x.es"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Tue, 24 Nov 2026 09:30:00 +0100",
            datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("Tue, 24 Nov 2026 09:30:00 -0000", datetime(2026, 11, 24, 9, 30, tzinfo=UTC)),
        ("mañana por la tarde", None),
        ("Tue, 99 Nov 2026 99:99:99 +9999", None),
        ("", None),
    ],
)
def test_dates(value, expected):
    assert parse_message(raw_mail(FROM, f"Date: {value}")).date == expected


def test_long_references_keep_the_root_and_the_newest():
    refs = " ".join(f"<r{i}@x>" for i in range(150))
    mail = parse_message(raw_mail(FROM, f"References: {refs}"))
    assert mail.references == ["r0@x"] + [f"r{i}@x" for i in range(51, 150)]


# --- the parse policy: policy.default with a header-object cache -------------------------

TRICKY_HEADERS = [
    "Subject: =?utf-8?B?wqFIb2xhIQ==?= mundo",
    'To: "Pérez, Ana" <ana@x.es>, grupo: b@x.es, c@x.es;',
    "Content-Type: text/plain; charset*=utf-8''%C3%B1; format=flowed (comentario)",
    "Content-Disposition: attachment; filename*0*=utf-8''A%C3%B1o; filename*1=.pdf",
    "Date: Tue, 3 Mar 2026 10:00:00 +0100",
]


def test_parse_policy_reads_headers_as_policy_default_does():
    import email
    import email.policy

    raw = raw_mail(FROM, *TRICKY_HEADERS)
    ours = parse_message(raw).message
    reference = email.message_from_bytes(raw, policy=email.policy.default)
    for name in ("Subject", "To", "Content-Type", "Content-Disposition", "Date", "From"):
        mine, theirs = ours[name], reference[name]
        # Each header registry makes its own classes: compare by name.
        assert (type(mine).__name__, str(mine)) == (type(theirs).__name__, str(theirs))
        for attr in ("params", "addresses", "datetime", "content_type"):
            assert getattr(mine, attr, None) == getattr(theirs, attr, None), (name, attr)
    assert ours.get_filename() == reference.get_filename() == "Año.pdf"
    assert ours.get_param("charset") == reference.get_param("charset") == "ñ"


def test_content_header_objects_are_built_once_per_value():
    message = parse_message(raw_mail(FROM, *TRICKY_HEADERS)).message
    # policy.default would build a new object on each read: the parse re-reads
    # Content-Type several times per part, which was most of the parse time.
    assert message["Content-Type"] is message["Content-Type"]
    assert message["Content-Disposition"] is message["Content-Disposition"]
    # Header objects are immutable, so two messages may share one.
    again = parse_message(raw_mail(FROM, *TRICKY_HEADERS)).message
    assert again["Content-Type"] is message["Content-Type"]


def test_other_and_huge_header_values_are_not_cached():
    name = "informe " * 80
    raw = raw_mail(FROM, "Subject: hola", f'Content-Type: text/plain; name="{name}"')
    message = parse_message(raw).message
    assert message["Subject"] is not message["Subject"]  # read raw by us: rarely parsed
    assert message["Content-Type"] is not message["Content-Type"]  # too long to keep
    assert message["Content-Type"].params["name"] == name
    assert parse_message(raw).subject == "hola"
