"""The embedded web server (``ventanilla web``, started by ``ventanilla run``): request bodies.

It is Django's development server (wsgiref), which frames a request body by Content-Length
only. A body sent with ``Transfer-Encoding: chunked`` (RFC 9112 §7.1; relays and webhook
senders that stream do so) therefore reached Django as an empty body, since Django reads
``CONTENT_LENGTH`` bytes and 0 when it is absent, and its bytes stayed in the connection to be
read as the next request. External WSGI servers that decode chunked bodies (gunicorn) hand
them over the same way, without a length; Django ignores PEP 3333's ``wsgi.input_terminated``.

So the server decodes a chunked body itself before Django sees the request, and passes it on
with the Content-Length it turned out to have, as a proxy that buffers request bodies does.
Bodies larger than ``VENTANILLA_MAX_MESSAGE_BYTES`` (the largest thing any view accepts) get
``413`` without being read to the end; a malformed or unfinished body gets ``400`` and never
reaches Django. A body is spooled to a temporary file past 1 MiB.
"""

from __future__ import annotations

import re
import tempfile
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.core.servers.basehttp import ServerHandler, WSGIRequestHandler, WSGIServer

SPOOL_BYTES = 1024 * 1024
_LINE_BYTES = 4096  # a chunk-size line, or one trailer field
_MAX_TRAILERS = 100
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class BodyError(ValueError):
    """The chunked body is malformed or ends early (answered 400)."""


class BodyTooLargeError(ValueError):
    """The chunked body is larger than the limit (answered 413)."""


def _line(stream: BinaryIO) -> bytes:
    line = stream.readline(_LINE_BYTES + 1)
    if not line.endswith(b"\n") or len(line) > _LINE_BYTES:
        raise BodyError("incomplete or over-long line in the chunked body")
    return line


def _copy(stream: BinaryIO, size: int, out: IO[bytes]) -> None:
    while size:
        data = stream.read(min(size, 65536))
        if not data:
            raise BodyError("the connection closed inside a chunk")
        out.write(data)
        size -= len(data)


def read_chunked(stream: BinaryIO, limit: int) -> tuple[IO[bytes], int]:
    """Decode a chunked body (RFC 9112 §7.1) from ``stream``; return it (rewound) and its size.

    Chunk extensions are ignored and trailer fields dropped (§7.1.1, §7.1.2). Raises
    ``BodyError`` for anything malformed or an early end, ``BodyTooLargeError`` past ``limit``.
    """
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    total = 0
    try:
        while True:
            size_text = _line(stream).split(b";", 1)[0].strip(b" \t\r\n")
            if not _HEX.fullmatch(size_text):
                raise BodyError("bad chunk size")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > limit:
                raise BodyTooLargeError(f"body larger than {limit} bytes")
            _copy(stream, size, out)
            if stream.read(2) != b"\r\n":
                raise BodyError("chunk data not followed by CRLF")
        for _ in range(_MAX_TRAILERS + 1):
            if _line(stream) in (b"\r\n", b"\n"):
                break
        else:
            raise BodyError("too many trailer fields")
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, total


class RequestHandler(WSGIRequestHandler):
    """Django's request handler, decoding a chunked request body first."""

    def handle_one_request(self) -> None:
        """Read one request and run the application (Django's own steps plus the body)."""
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():  # an error was sent already
            return
        environ = self.get_environ()
        stdin: Any = self.rfile
        if "HTTP_TRANSFER_ENCODING" in environ:
            stdin = self._decoded_body(environ)
            if stdin is None:
                return
        handler = ServerHandler(stdin, self.wfile, self.get_stderr(), environ)
        # Django's back-pointer for logging and keep-alive (not in its type stubs).
        handler.request_handler = self  # type: ignore[attr-defined]
        try:
            handler.run(self.server.get_app())  # type: ignore[attr-defined]
        finally:
            if stdin is not self.rfile:
                stdin.close()  # the decoded body's temporary file

    def _decoded_body(self, environ: dict[str, Any]) -> IO[bytes] | None:
        """Decode the chunked body into ``environ``; on failure answer and return None."""
        codings = [c.strip().lower() for c in environ.pop("HTTP_TRANSFER_ENCODING").split(",")]
        if codings != ["chunked"]:
            # RFC 9112 §6.1: a transfer coding we do not implement (gzip...) gets 501.
            self.send_error(501, "Only the chunked transfer coding is supported")
            return None
        if environ.pop("CONTENT_LENGTH", ""):  # wsgiref puts "" there when there is none
            # RFC 9112 §6.3: Transfer-Encoding overrides Content-Length, and such a message
            # may be an attempt at request smuggling: close the connection after answering.
            self.close_connection = True
        try:
            body, size = read_chunked(self.rfile, settings.VENTANILLA_MAX_MESSAGE_BYTES)
        except BodyTooLargeError:
            self.send_error(413)
            return None
        except (BodyError, OSError):
            self.send_error(400, "Malformed or incomplete chunked body")
            return None
        environ["CONTENT_LENGTH"] = str(size)
        return body


class WebServer(WSGIServer):
    """Django's development server serving every connection with ``RequestHandler``."""

    def __init__(self, server_address: Any, handler_class: Any, **kwargs: Any) -> None:
        """Ignore the handler class Django's ``run()`` always passes; use ours."""
        super().__init__(server_address, RequestHandler, **kwargs)
