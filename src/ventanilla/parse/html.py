"""Mail HTML made safe to show (nh3), and a text version of it (nh3, then markdownify).

Inbound HTML is hostile by default: scripts, event handlers, ``javascript:`` links, CSS
that fetches URLs, and remote images that tell the sender when (and from where) an agent
opened the mail. ``sanitise_html`` keeps what a mail needs to be read and nothing that runs
or phones home; remote images are kept *blocked* (their URL moved to ``data-remote-src``)
so the agent UI can offer "show images" on request.
"""

from __future__ import annotations

import html as html_lib
import re

import lxml.html  # type: ignore[import-untyped]
import nh3
from lxml import etree
from markdownify import MarkdownConverter

__all__ = ["has_html_quote", "html_to_text", "sanitise_html", "strip_html_quotes"]

_TAGS = frozenset(
    {
        # text and structure
        "a", "abbr", "address", "b", "bdi", "bdo", "big", "blockquote", "br", "center", "cite",
        "code", "dd", "del", "dfn", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
        "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "ul", "var",
        # tables (most mail layouts are tables)
        "caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    }
)  # fmt: skip

# Elements whose *content* is dropped, not just the tags: "script"/"style" would otherwise
# leak code as text; "title" sits in <head> but html5ever moves it into the fragment.
_CLEAN_CONTENT = frozenset({"script", "style", "title", "noscript", "template", "xmp"})

_TABLE_ATTRS = {"align", "valign", "width", "height", "bgcolor", "colspan", "rowspan"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"style", "dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "face", "size"},
    "table": {"align", "width", "border", "cellpadding", "cellspacing", "bgcolor"},
    "td": _TABLE_ATTRS,
    "th": _TABLE_ATTRS,
    "tr": {"align", "valign", "bgcolor"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "p": {"align"},
    "div": {"align"},
}

# CSS properties that only change how text looks. Nothing that can carry url(...)
# (background, background-image, list-style-image, content, behavior) is listed, so CSS
# cannot fetch remote resources (tracking) or run script (old IE expression()).
_STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font", "font-family", "font-size", "font-style",
        "font-weight", "text-align", "text-decoration", "text-indent", "text-transform",
        "line-height", "letter-spacing", "white-space", "vertical-align", "direction",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "border", "border-top", "border-right", "border-bottom", "border-left",
        "border-color", "border-style", "border-width", "border-collapse", "border-spacing",
        "width", "height", "max-width", "min-width", "display",
    }
)  # fmt: skip

# cid: (RFC 2392) points at a MIME part of the same message; data: URIs are refused
# (they smuggle content past the scheme check and can be huge).
_URL_SCHEMES = frozenset({"http", "https", "mailto", "cid"})

_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT),
    attributes=_ATTRIBUTES,
    url_schemes=set(_URL_SCHEMES),
    # Relative URLs mean nothing outside the sender's site; refusing them also stops
    # protocol-relative "//evil.example/x.png" images.
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    set_tag_attribute_values={"a": {"target": "_blank"}},
    filter_style_properties=set(_STYLE_PROPERTIES),
)

# Only <img> tags in nh3's *output* are rewritten. That output is html5ever's canonical
# serialisation: every attribute value is double-quoted and a '"' inside it is written as
# &quot;, so '"[^"]*"' cannot run past the end of a value and the regex is linear.
_IMG_RE = re.compile(r'<img((?:\s+[\w:-]+="[^"]*")*)\s*/?>')
_SRC_RE = re.compile(r'(\s)src="([^"]*)"')


# nh3 filters style *properties* but keeps their values verbatim; a value that can fetch or
# run something (url(), old IE expression(), CSS escapes that hide either) costs the whole
# style attribute. Same canonical-serialisation argument as above keeps this linear.
_UNSAFE_STYLE_RE = re.compile(
    r'\sstyle="[^"]*(?:expression|url\s*\(|image-set|@import|\\|&#)[^"]*"', re.IGNORECASE
)


def _block_remote_src(match: re.Match[str]) -> str:
    """Rename a non-``cid:`` ``src`` to ``data-remote-src`` so the browser fetches nothing."""
    attrs = match.group(1)
    src = _SRC_RE.search(attrs)
    if src is None or html_lib.unescape(src.group(2)).lower().startswith("cid:"):
        return match.group(0)
    blocked = f'{src.group(1)}data-remote-src="{src.group(2)}"'
    return f"<img{attrs[: src.start()]}{blocked}{attrs[src.end() :]}>"


# nh3 slows down sharply with nesting depth (20,000 nested <div>s: ~2.5 s), so hostile or
# broken HTML nested deeper than any real mail client produces is flattened first.
MAX_DEPTH = 200
_TAG_SCAN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr"})
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_RAW_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|tr|h[1-6]|blockquote|pre|table|ul|ol)\b[^>]*>", re.IGNORECASE
)


_BREAK_RUNS = re.compile(r"\0(?:\s*\0){2,}")


def _too_deep(html: str) -> bool:
    """Return True when elements nest deeper than ``MAX_DEPTH`` (one linear scan)."""
    if html.count("<") <= MAX_DEPTH:
        return False
    depth = 0
    for closing, name, self_closing in _TAG_SCAN.findall(html):
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            if depth > MAX_DEPTH:
                return True
    return False


def _flatten(html: str) -> str:
    """Keep the text of pathologically nested HTML, with a line break per block tag."""
    html = _SCRIPT_STYLE.sub("", html)
    text = _ANY_TAG.sub("", _RAW_BLOCK_TAG.sub("\0", html))
    # Thousands of empty blocks become at most one blank line.
    return _BREAK_RUNS.sub("\0\0", text).replace("\0", "<br>")


def _clean(html: str) -> str:
    """nh3 with our settings, after flattening HTML too deep for it to handle quickly."""
    return _CLEANER.clean(_flatten(html) if _too_deep(html) else html)


def sanitise_html(html: str) -> str:
    """Return ``html`` reduced to a safe allow-list, with remote images blocked.

    Scripts, styles, event handlers and ``javascript:``/``data:`` URLs are removed; links get
    ``rel="noopener noreferrer nofollow"`` and open in a new tab. ``<img src="cid:...">``
    keeps its ``src`` (the UI serves the attachment with that Content-ID); any other image
    loses ``src`` and keeps the URL in ``data-remote-src`` (tracking pixels stay silent).
    """
    if not html:
        return ""
    cleaned = _clean(html)
    if "style=" in cleaned:
        cleaned = _UNSAFE_STYLE_RE.sub("", cleaned)
    if "<img" not in cleaned:
        return cleaned
    return _IMG_RE.sub(_block_remote_src, cleaned)


class _TextConverter(MarkdownConverter):
    """markdownify tuned for a readable plain-text version rather than strict Markdown."""

    def convert_img(self, el: object, text: str, parent_tags: set[str]) -> str:
        """Render an image as its alt text only: URLs of images are noise in a text body."""
        alt = getattr(el, "attrs", {}).get("alt", "") or ""
        return str(alt)


_CONVERTER = _TextConverter(
    heading_style="ATX",
    bullets="-",
    escape_asterisks=False,
    escape_underscores=False,
    escape_misc=False,
    # lxml is several times faster than html.parser; input is already nh3's clean output.
    bs4_options="lxml",
    # Mail tables rarely have <th>; use the first row as the header instead of an empty one.
    table_infer_header=True,
)
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


# nh3's output is canonical ('<' and '>' inside attribute values are escaped), so tags can be
# removed with these linear regexes; only used where markdownify cannot cope.
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|tr|h[1-6]|blockquote|pre|table|ul|ol)\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")


def _flat_text(cleaned: str) -> str:
    """Text of nh3-cleaned HTML with a line break per block tag (no recursion, any depth)."""
    return html_lib.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub("\n", cleaned)))


def html_to_text(html: str) -> str:
    """Return a plain-text version of ``html`` (Markdown-flavoured: lists, links, tables).

    The HTML is cleaned by nh3 first: markdownify alone would leak the text of ``<style>``
    and ``<script>`` elements (measured in notes/dependencies.md). Runs of blank lines are
    collapsed to one blank line.
    """
    if not html or not html.strip():
        return ""
    cleaned = _clean(html)
    try:
        text = str(_CONVERTER.convert(cleaned))
    except RecursionError:
        text = _flat_text(cleaned)  # markdownify recurses per element: ~250 levels is enough
    text = text.replace("\xa0", " ")
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


# --- quoted replies in HTML -------------------------------------------------------------
# Mail clients mark the quoted original structurally; removing that structure is more
# reliable than any text heuristic (and language-independent).
_QUOTE_MARKERS = re.compile(
    r"gmail_quote|gmail_signature|divRplyFwdMsg|appendonsend|moz-cite-prefix|yahoo_quoted"
    r"|OLK_SRC_BODY_SECTION|mail-editor-reference-message-container|type=.?cite|border-top:\s*solid",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Elements that *are* the quote (or the sender's signature); removed alone.
_QUOTE_XPATH = etree.XPath(
    "//*[contains(@class,'gmail_quote') or contains(@class,'gmail_signature')"
    " or contains(@class,'moz-cite-prefix') or contains(@class,'yahoo_quoted')]"
    " | //blockquote[translate(@type,'CITE','cite')='cite']"
)
# Elements that *start* the quote: they and everything after them are removed. Outlook
# (web/desktop/Mac) puts the original after a header block rather than inside an element.
_CUT_XPATH = etree.XPath(
    "//*[@id='divRplyFwdMsg' or @id='appendonsend' or @id='OLK_SRC_BODY_SECTION'"
    " or @id='mail-editor-reference-message-container']"
    " | //div[contains(translate(@style,' ',''),'border:none;border-top:solid')]"
)


def has_html_quote(html: str) -> bool:
    """Tell (cheaply, without parsing) whether ``html`` may hold a structurally marked quote."""
    return _QUOTE_MARKERS.search(html) is not None


def _cut_from(element: lxml.html.HtmlElement) -> None:
    """Remove ``element`` and everything that follows it in document order."""
    previous = element.getprevious()
    if previous is not None and previous.tag == "hr":
        element.getparent().remove(previous)  # Outlook web's separator line before the header
    node: lxml.html.HtmlElement | None = element
    while node is not None and node.tag not in {"body", "html"}:
        for sibling in list(node.itersiblings()):
            node.getparent().remove(sibling)
        node.tail = None
        node = node.getparent()
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def strip_html_quotes(html: str) -> str:
    """Return ``html`` without the quoted original that mail clients mark up structurally.

    Handles Gmail (``div.gmail_quote``, also its signature), Outlook (``#divRplyFwdMsg``,
    ``#appendonsend``, the Word ``border-top`` header box, Mac ``OLK_SRC_BODY_SECTION``) and
    everything after it, Apple Mail/Thunderbird ``blockquote[type=cite]`` and
    ``div.moz-cite-prefix``, and Yahoo ``yahoo_quoted``. Unmarked HTML is returned as is.
    """
    if not has_html_quote(html):
        return html
    # lxml refuses str input that carries an XML encoding declaration (Hotmail sends one).
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html  # empty or unparsable: nothing we can strip safely
    for element in _QUOTE_XPATH(doc):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, which is not part of the quote
    cuts = _CUT_XPATH(doc)
    if cuts:
        _cut_from(cuts[0])  # results are in document order: the first starts the quote
    return str(lxml.html.tostring(doc, encoding="unicode"))
