"""The Spanish catalogue is whole: every message translated, plural forms as the header says.

A plural entry with fewer (or empty) forms than ``nplurals`` is dropped by ``msgfmt`` as
untranslated, so the customer would read English; and a ``.po`` edited without compiling
leaves the ``.mo`` the server reads behind.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import ventanilla

LC_MESSAGES = Path(ventanilla.__file__).parent / "locale" / "es" / "LC_MESSAGES"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    raw = "".join(line[line.index('"') + 1 : line.rindex('"')] for line in lines)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw)


def _entries() -> list[dict[str, str]]:
    """Parse the .po into entries of field → text (enough of the format for this check)."""
    entries: list[dict[str, str]] = []
    text = (LC_MESSAGES / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        fields: dict[str, list[str]] = {}
        flags = ""
        current = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current].append(line)
            elif line.strip():
                current = line.split(" ", 1)[0]
                fields[current] = [line]
        if "msgid" in fields:
            entry = {name: _unquote(lines) for name, lines in fields.items()}
            entry["flags"] = flags
            entries.append(entry)
    return entries


def test_header_declares_two_plural_forms_for_spanish() -> None:
    header = _entries()[0]["msgstr"]
    match = re.search(r"nplurals=(\d+)", header)
    assert match, header
    assert match.group(1) == "2"


def test_every_message_is_translated_with_every_plural_form() -> None:
    problems = []
    for entry in _entries()[1:]:
        if "fuzzy" in entry["flags"]:
            problems.append(("fuzzy", entry["msgid"]))
        if "msgid_plural" in entry:
            forms = [entry.get(f"msgstr[{i}]") for i in range(3)]
            if not forms[0] or not forms[1] or forms[2] is not None:
                problems.append(("plural forms", entry["msgid"]))
        elif not entry.get("msgstr"):
            problems.append(("untranslated", entry["msgid"]))
    assert problems == []


def test_compiled_catalogue_holds_every_message_of_the_po() -> None:
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    missing = [
        entry["msgid"]
        for entry in _entries()[1:]
        if "msgid_plural" not in entry
        and "msgctxt" not in entry
        and compiled.gettext(entry["msgid"]) != entry["msgstr"]
    ]
    assert missing == []
