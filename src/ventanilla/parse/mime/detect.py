"""Which charset did the sender use? For 8-bit text that declares none.

Statistical detectors are unreliable on the short strings mail is full of (a 10-byte
subject, a file name): charset-normalizer alone reads KOI8-R "Привет, мир" as Shift_JIS
and a Shift_JIS paragraph as Korean. So each candidate that decodes the bytes strictly is
scored on what the decoded text would have to be:

- every non-ASCII character is of a script the charset exists to write (a Cyrillic
  charset yielding box-drawing symbols, or a Chinese one yielding kana, is wrong), and a
  word does not switch from lower to upper case in its middle (KOI8-R read as cp1251);
- the letters are the frequent letters of some language (charset-normalizer's frequency
  tables: Chinese, Japanese and Korean characters, the letters of each alphabet);
- charset-normalizer's mess ratio (odd symbols, accents on the wrong letters).

``looks_western`` is the cheap test that keeps Western mail off the detector: raw latin-1
Spanish has isolated accented letters between ASCII ones, which no CJK or Cyrillic text
has (runs of high bytes, or bytes cp1252 leaves undefined or uses for rare symbols).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from charset_normalizer.constant import FREQUENCIES
from charset_normalizer.md import mess_ratio

# Candidates, most likely first among equals (undeclared CJK mail is mostly Chinese spam,
# then Japanese; Cyrillic mail is cp1251 more often than KOI8-R nowadays). Charsets whose
# letters read as plausible text in almost any other charset (Thai, Arabic, Hebrew) are
# left out: a message in them is recognised through the charsets it declares elsewhere.
_SCRIPTS: dict[str, frozenset[str]] = {
    "gb18030": frozenset({"han"}),
    "cp932": frozenset({"han", "kana"}),
    "big5hkscs": frozenset({"han"}),
    "euc_jp": frozenset({"han", "kana"}),
    "cp949": frozenset({"hangul"}),
    "cp1251": frozenset({"cyrillic"}),
    "koi8_r": frozenset({"cyrillic"}),
    "cp1253": frozenset({"greek"}),
    "cp1250": frozenset({"latin"}),
    "cp1252": frozenset({"latin"}),
}
_FREQUENT = frozenset(c for letters in FREQUENCIES.values() for c in letters if not c.isascii())
# Han characters and hangul syllables outside the frequency lists count partly when they
# are in the first (commonest) level of GB2312, Big5 or JIS X 0208, or in KS X 1001: lists
# and first levels together cover about 70% of real text (mis-readings land anywhere).
# Hangul counts less, because Chinese bytes read as Korean land in KS X 1001 just as
# Korean bytes read as Chinese land in GB2312 level 1, and unlabelled mail is far more
# often Chinese (Korean clients label theirs).
_COVERAGE = {"han": 0.7, "hangul": 0.58}
_LEVEL_ONE = {
    "han": (0.5, (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6), ("euc_jp", 0xB0, 0xCF))),
    "hangul": (0.4, (("euc_kr", 0xB0, 0xC8),)),
}
_ALPHABETS = frozenset({"latin", "cyrillic", "greek"})
_SAMPLE = 16384  # bytes decoded strictly by each candidate (fast: codecs are C)
_SCORED = 300  # characters of each decoding scored (Python: the cost is per character)

# cp1252 characters that Western text uses: accented letters and common punctuation
# (1º, 2ª, m², 25°, «», ¿¡, and ´ typed for an apostrophe). The rest of cp1252's symbols
# (¹ ¼ ¶ ¸ ¨ µ ± ¤ ƒ ‚ ‹ ˆ ‰) are rare in Western text and frequent in CJK mis-readings.
_WESTERN = (
    "€„…‘’“”•–—™šœžŸŠŒŽ¡£§©ª«®°²³´·º»¿"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
)
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿŠšŒœŽžŸ"
# Not Western: a byte outside that set, four of them in a row, a word switching from
# lower to upper case at an accented letter (KOI8-R Cyrillic reads as "ðÒÉ×ÅÔ"), or a
# word of two or more letters none of which is ASCII (KOI8-R "мир" reads as "ÍÉÒ",
# GBK "中" as "ÖÐ"; Western words carry unaccented letters).
_NOT_WESTERN = re.compile(
    f"[^\\x00-\\x7f\\xa0{_WESTERN}]|[{_WESTERN}]{{4}}|[a-zß-öø-ÿšœž][À-ÖØ-ÞŠŒŽŸ]"
    f"|(?<![{_LETTERS}])[À-ÖØ-öø-ÿŠšŒœŽžŸ]{{2,}}(?![{_LETTERS}])"
)


def looks_western(data: bytes) -> bool:
    """Tell whether ``data`` reads as Western European text in cp1252.

    True when every non-ASCII byte is an accented letter or common punctuation, no more
    than three stand together, and case does not flip inside a word ("Mar\\xeda",
    "informaci\\xf3n", "\\xbfQu\\xe9?", "N\\xfa\\xf1ez").
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # a byte cp1252 leaves undefined: not Western text
        return False
    return _NOT_WESTERN.search(text) is None


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """Return the script of one non-ASCII character, or "" when it is not a letter."""
    code = ord(char)
    if 0x3040 <= code <= 0x30FF:
        return "kana"  # halfwidth katakana (FF61-FF9F) is a mis-decode far more often
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or 0x2010 <= code <= 0x2027:
        return "punct"  # CJK and fullwidth punctuation, dashes and quotes
    if not unicodedata.category(char).startswith("L"):
        return "punct" if char in "\xa0«»°·¿¡№€" else ""
    name = unicodedata.name(char, "")
    if name.startswith("CJK"):
        return "han"
    if name.startswith("HANGUL SYLLABLE"):
        return "hangul"
    return name.split(" ", 1)[0].lower()  # LATIN, CYRILLIC, GREEK, ...


@functools.lru_cache(maxsize=8192)
def _frequency(char: str, script: str) -> float:
    """Return 1 for a frequent letter, less for a first-level Han or hangul one, else 0."""
    if char.lower() in _FREQUENT:
        return 1.0
    weight, levels = _LEVEL_ONE.get(script, (0.0, ()))
    for codec, low, high in levels:
        try:
            lead = char.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        if low <= lead <= high:
            return weight
    return 0.0


def _score(text: str, scripts: frozenset[str]) -> float:
    """Score how plausible ``text`` is as writing in ``scripts`` (higher is better)."""
    unfit = letters = total = 0
    frequent = 0.0
    by_script: dict[str, int] = {}
    previous, previous_script = " ", ""
    for char in text:
        script = "latin" if char.isascii() and char.isalpha() else ""
        if not char.isascii():
            total += 1
            script = _script(char)
            unfit += script not in scripts and script != "punct"
            if script not in ("", "punct"):
                letters += 1
                frequent += _frequency(char, script)
                by_script[script] = by_script.get(script, 0) + 1
        # Inside a word, an alphabet neither changes (Cyrillic "Јуdџ") nor turns to upper
        # case ("рТЙЧЕФ": KOI8-R read as cp1251).
        if previous_script in _ALPHABETS and script in _ALPHABETS and not char.isascii():
            unfit += script != previous_script or (char.isupper() and previous.islower())
        elif previous_script in _ALPHABETS - {"latin"} and script == "latin":
            unfit += 1
        previous, previous_script = char, script
    if not total:
        return 0.0
    main = max(by_script, key=by_script.__getitem__, default="")
    coverage = _COVERAGE.get(main, 0.9)
    frequency = min(1.0, frequent / letters / coverage) if letters else 0.0
    # A character the charset was not made for counts twice: one box-drawing sign in
    # "Cyrillic" text says more than one frequent letter.
    return 1 - 2 * unfit / total + 0.5 * frequency - mess_ratio(text, 1.0)


def _sample(data: bytes) -> bytes:
    """Cut ``data`` to ``_SAMPLE`` bytes at a line end, so no character is split."""
    if len(data) <= _SAMPLE:
        return data
    cut = data.rfind(b"\n", 0, _SAMPLE)
    return data[: cut if cut > 0 else _SAMPLE]


def beats_western(data: bytes, codec: str) -> bool:
    """Tell whether Western-looking ``data`` reads better in ``codec`` than in cp1252.

    A charset the message declares elsewhere is the best evidence for a short string,
    but a Spanish name in a thread that quotes Chinese mail must stay Spanish.
    """
    try:
        text = _sample(data).decode(codec)[:_SCORED]
    except (UnicodeError, LookupError):
        return False
    scripts = _SCRIPTS.get(codec) or frozenset(_script(c) for c in text if not c.isascii())
    western = _sample(data).decode("cp1252", "replace")[:_SCORED]
    return _score(text, scripts) > _score(western, _SCRIPTS["cp1252"])


def detect(data: bytes) -> str | None:
    """Return the most plausible codec for undeclared 8-bit ``data``, or None."""
    sample = _sample(data)
    best: tuple[float, str] | None = None
    for codec, scripts in _SCRIPTS.items():
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _score(text[:_SCORED], scripts)
        if best is None or score > best[0]:
            best = (score, codec)
    return best[1] if best else None
