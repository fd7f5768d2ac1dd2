"""The ticket page and its read-only helpers: one article's body, attachments, canned text."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from ventanilla.privacy.record import ticket_mail_record
from ventanilla.tickets.blobs import blob_get
from ventanilla.tickets.canned import canned_for, canned_get_for, canned_render
from ventanilla.tickets.models import Level
from ventanilla.tickets.selectors import ticket_events, ticket_participants, ticket_tags
from ventanilla.workspace import forms
from ventanilla.workspace.display import axis_label, level_label
from ventanilla.workspace.history import history_entries
from ventanilla.workspace.inline import INLINE_IMAGE_TYPES
from ventanilla.workspace.selectors import (
    assignable_agents,
    customer_other_tickets,
    ticket_article,
    ticket_articles,
    ticket_attachment,
    ticket_for_user,
)
from ventanilla.workspace.sla import sla_display
from ventanilla.workspace.views.common import agent_required


def _suggestion(data: object) -> dict[str, object]:
    """Return the stored suggestion with levels and axes named in the agent's language."""
    if not isinstance(data, dict) or not data:
        return {}
    reasons = [
        {
            "text": r.get("text") or r.get("rule", ""),
            "axis": axis_label(str(r.get("sets", ""))),
            "level": level_label(str(r.get("sets", "")), r.get("level")) if r.get("level") else "",
        }
        for r in data.get("reasons") or []
        if isinstance(r, dict)
    ]
    return {
        **data,
        "urgency_label": level_label("urgency", data.get("urgency")),
        "impact_label": level_label("impact", data.get("impact")),
        "reasons": reasons,
    }


@agent_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The whole case on one page: conversation, facts, history and every action's form."""
    ticket = ticket_for_user(user=request.user, number=number)
    suggestion = _suggestion(ticket.suggestion)
    initial_levels = {
        "urgency": ticket.urgency or suggestion.get("urgency") or Level.MEDIUM,
        "impact": ticket.impact or suggestion.get("impact") or Level.MEDIUM,
    }
    assign_form = forms.AssignForm(initial={"assignee": ticket.assignee_id})
    assign_form.fields["assignee"].queryset = assignable_agents(user=request.user)  # type: ignore[attr-defined]
    history = history_entries(
        events=ticket_events(ticket=ticket),
        number=ticket.number,
    )
    tags = ticket_tags(ticket=ticket)
    context = {
        "ticket": ticket,
        "articles": ticket_articles(ticket=ticket),
        "participants": ticket_participants(ticket=ticket),
        "tags": tags,
        "other_tickets": customer_other_tickets(user=request.user, ticket=ticket),
        "history": history,
        "mail_record": ticket_mail_record(ticket=ticket),
        "sla": sla_display(ticket, timezone.now()),
        "suggestion": suggestion,
        "priority_form": forms.PriorityForm(initial=initial_levels),
        "assign_form": assign_form,
        "team_form": forms.TeamForm(initial={"team": ticket.team_id}),
        "tags_form": forms.TagsForm(initial={"tags": ", ".join(t.name for t in tags)}),
        "resolve_form": forms.ResolveForm(),
        "reopen_form": forms.ReopenForm(),
        "merge_form": forms.MergeForm(),
        "reply_form": forms.ReplyForm(),
        "note_form": forms.NoteForm(),
        "canned": canned_for(ticket=ticket, agent=request.user),  # type: ignore[arg-type]
    }
    return render(request, "workspace/ticket.html", context)


@agent_required
def article_body(request: HttpRequest, number: str, article_id: int) -> HttpResponse:
    """One article's HTML body; ``?images=1`` lets its remote images load (htmx swap)."""
    ticket = ticket_for_user(user=request.user, number=number)
    article = ticket_article(ticket=ticket, article_id=article_id)
    images = request.GET.get("images") == "1"
    context = {"ticket": ticket, "article": article, "html": article.html, "images": images}
    return render(request, "workspace/partials/article_html.html", context)


@agent_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """Serve an attachment as a download (no sniffing, no script).

    ``?inline=1`` serves a raster image with its own type, for the ``cid:`` images of the
    mail frame (``workspace/inline.py``); anything else is still a download.
    """
    ticket = ticket_for_user(user=request.user, number=number)
    attachment = ticket_attachment(ticket=ticket, attachment_id=attachment_id)
    kind = attachment.content_type.split(";", 1)[0].strip().lower()
    inline = request.GET.get("inline") == "1" and kind in INLINE_IMAGE_TYPES
    response = HttpResponse(
        blob_get(attachment.sha256), content_type=kind if inline else "application/octet-stream"
    )
    # RFC 6266: filename* carries non-ASCII names; Django builds both forms.
    response.headers["Content-Disposition"] = _disposition(attachment.filename, inline=inline)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _disposition(filename: str, *, inline: bool = False) -> str:
    name = filename or "attachment"
    return content_disposition_header(as_attachment=not inline, filename=name) or "inline"


@agent_required
def canned_text(request: HttpRequest, number: str, canned_id: int) -> HttpResponse:
    """The text of a canned response filled in for this ticket (inserted into the composer)."""
    ticket = ticket_for_user(user=request.user, number=number)
    canned = canned_get_for(ticket=ticket, agent=request.user, canned_id=canned_id)  # type: ignore[arg-type]
    if canned is None:
        raise Http404(canned_id)
    text = canned_render(canned=canned, ticket=ticket, agent=request.user)  # type: ignore[arg-type]
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
