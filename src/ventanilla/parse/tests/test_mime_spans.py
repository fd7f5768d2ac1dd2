"""The byte-range scan reads malformed MIME the way the stdlib does, part for part.

Each case is a structure the feedparser has its own rules for; the scan must agree with
the stdlib tree on every part (``align`` maps them all), so the byte ranges can be trusted.
"""

from __future__ import annotations

import pytest

from ventanilla.parse.mime.load import load
from ventanilla.parse.mime.spans import align, scan

HEAD = b"From: a@cliente.es\nContent-Type: multipart/mixed; boundary=o\n\n"
CASES = {
    "preamble and epilogue": HEAD + b"preamble\n--o\n\nuno\n--o--\nepilogue\n",
    "two delimiters in a row": HEAD + b"--o\n--o\nContent-Type: text/plain\n\nuno\n--o--\n",
    "outer delimiter ends an unclosed inner multipart": HEAD
    + b"--o\nContent-Type: multipart/alternative; boundary=i\n\n--i\n\nuno\n"
    + b"--o\nContent-Type: text/html\n\n<p>dos</p>\n--o--\n",
    "no start delimiter": HEAD + b"just text, no delimiter at all\n",
    "part without header/body separator": HEAD + b"--o\nno header here\n--o--\n",
    "white space after the delimiter": HEAD + b"--o  \n\nuno\n--o--  \n",
    "no close delimiter": HEAD + b"--o\n\nuno\n--o\n\ndos\n",
    "digest members": b"Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
    + b"From: x@y.es\nSubject: uno\n\ncuerpo\n--d--\n",
    "CRLF": HEAD.replace(b"\n", b"\r\n") + b"--o\r\n\r\nuno\r\n--o--\r\n",
    "boundary with a colon": b'Content-Type: multipart/mixed; boundary="a:b"\n\n'
    + b"--a:b\nContent-Type: text/plain\n\nuno\n--a:b--\n",
}


@pytest.mark.parametrize("raw", CASES.values(), ids=CASES.keys())
def test_every_stdlib_part_has_its_byte_range(raw):
    loaded = load(raw)
    parts = list(loaded.message.walk())
    found = align(loaded.message, loaded.tree)
    assert len(found) == len(parts)
    for part in parts:
        span = found[id(part)]
        if not part.is_multipart():
            payload = part.get_payload()
            assert isinstance(payload, str)
            body = payload.encode("ascii", "surrogateescape").replace(b"\r\n", b"\n")
            ours = raw[span.body : span.end].replace(b"\r\n", b"\n")
            # At the end of input with no close delimiter the stdlib drops the last line
            # break too; the slice keeps the bytes as they are.
            assert ours in (body, body + b"\n")


def test_unknown_dashes_lines_are_body():
    tree = scan(HEAD + b"--o\n\n-- \nfirma\n--otra\n--o--\n")
    (part,) = tree.root.children
    assert part.end - part.body == len(b"-- \nfirma\n--otra")
