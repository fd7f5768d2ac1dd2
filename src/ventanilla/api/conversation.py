"""The conversation of a ticket: its articles, a reply to the customer, internal notes, files."""

from __future__ import annotations

import base64
import binascii

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Router, Status

from ventanilla.api.auth import api_user, require_write
from ventanilla.api.problems import ApiProblem
from ventanilla.api.render import article_out
from ventanilla.api.schemas import ArticleOut, FileIn, NoteIn, ReplyIn
from ventanilla.api.selectors import ticket_articles, ticket_attachment, ticket_visible
from ventanilla.tickets import replies
from ventanilla.tickets.blobs import blob_get

router = Router(tags=["conversation"])


@router.get("/tickets/{number}/articles", response=list[ArticleOut], summary="List articles")
def list_articles(request: HttpRequest, number: str) -> list[dict[str, object]]:
    """The conversation in order: mail in and out, and internal notes."""
    ticket = ticket_visible(user=api_user(request), number=number)
    return [article_out(a) for a in ticket_articles(ticket=ticket)]


def _files(items: list[FileIn]) -> list[SimpleUploadedFile]:
    files = []
    for item in items:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            detail = _("%(name)s: content_base64 is not base64.") % {"name": item.filename}
            raise ApiProblem(422, detail, kind="attachment") from exc
        files.append(SimpleUploadedFile(item.filename, content, item.content_type))
    return files


@router.post(
    "/tickets/{number}/replies", response={201: ArticleOut}, summary="Reply to the customer"
)
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> Status[dict[str, object]]:
    """Queue the answer by mail (with files, Cc) and record it as an outbound article."""
    agent = require_write(request)
    ticket = ticket_visible(user=agent, number=number)
    article = replies.ticket_reply(
        ticket=ticket,
        author=agent,
        text=payload.text,
        cc=payload.cc,
        attachments=_files(payload.attachments),
        pending=payload.pending,
    )
    return Status(201, article_out(article))


@router.post("/tickets/{number}/notes", response={201: ArticleOut}, summary="Add an internal note")
def note(request: HttpRequest, number: str, payload: NoteIn) -> Status[dict[str, object]]:
    """Add a note only agents read."""
    agent = require_write(request)
    ticket = ticket_visible(user=agent, number=number)
    article = replies.ticket_note_add(ticket=ticket, author=agent, text=payload.text)
    return Status(201, article_out(article))


@router.get(
    "/tickets/{number}/attachments/{attachment_id}",
    response={200: bytes},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes, always as a download.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """The file, as a download that no browser will render or sniff."""
    ticket = ticket_visible(user=api_user(request), number=number)
    attachment = ticket_attachment(ticket=ticket, attachment_id=attachment_id)
    response = HttpResponse(blob_get(attachment.sha256), content_type="application/octet-stream")
    name = attachment.filename or "attachment"
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=name) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
