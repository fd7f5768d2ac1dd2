"""MIME reading for inbound mail, in small modules with one job each.

The public facade is ``ventanilla.parse.parsing`` (``parse_message``, ``header_str``,
``header_strs``); these modules are its parts, in the order a message meets them:

- ``spans``: the byte range of every part, scanned iteratively from the raw bytes (how
  deep and wide the tree is; the exact bytes of an attached message);
- ``load``: bytes to a stdlib ``EmailMessage`` (``policy.default`` with a header-object
  cache), with fallbacks when the stdlib fails;
- ``repair``: byte-level repairs before parsing (CR-only line endings, lost header folds);
- ``charsets``: decoding bytes whose charset label is missing, unknown or lying
  (``japanese``: ISO-2022-JP with vendor characters; ``detect`` and ``context``: which
  charset undeclared 8-bit text is in, judged on the whole message);
- ``headers``: safe header access, RFC 2047 words, Message-ID lists, dates;
- ``addresses``: lenient address-list parsing;
- ``parts``: what one part's Content-* headers say, read once per part;
- ``transfer``: Content-Transfer-Encoding decoding, uuencode included;
- ``walk``: one pass over the tree selecting bodies and attachments;
- ``salvage``: the same from the byte ranges, for a tree too deep or too wide to walk;
- ``values``: the ``Address`` and ``ParsedAttachment`` they hand up (re-exported by
  ``ventanilla.parse.parsed``).
"""
