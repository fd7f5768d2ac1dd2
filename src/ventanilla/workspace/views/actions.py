"""Every change an agent makes on a ticket: one POST URL per action, one service per action.

The table ``ACTIONS`` maps the action's name to its form and the service call, so adding an
action is one row; the view parses, calls, and redirects with a message (POST/redirect/GET).
Services refuse what the agent may not do (``PermissionDenied``) or what the ticket's state
does not allow (``TicketStateError``, ``ValidationError``): shown as messages, not errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ventanilla.agents.permissions import can_edit_knowledge, can_view_ticket
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.selectors import knowledge_article_by_slug
from ventanilla.knowledge.services import knowledge_article_from_ticket, knowledge_article_link
from ventanilla.tickets import assignment, lifecycle, portal_links, priority, replies
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.states import TicketStateError
from ventanilla.workspace import forms
from ventanilla.workspace.knowledge_forms import LinkArticleForm
from ventanilla.workspace.selectors import ticket_for_user
from ventanilla.workspace.views.common import agent_required, request_user

Run = Callable[[Ticket, Any, HttpRequest], object]


@dataclass(frozen=True)
class Action:
    """An action: its form (None: no input), the one service call, the success message."""

    form: type[django_forms.Form] | None
    run: Run
    done: Promise


def _merge(ticket: Ticket, form: forms.MergeForm, request: HttpRequest) -> Ticket:
    # The target is looked up within what the agent may see: merging cannot reveal numbers.
    target = ticket_for_user(user=request.user, number=form.cleaned_data["target"].strip())
    return lifecycle.ticket_merge(source=ticket, target=target, actor=request_user(request))


def _resolve(ticket: Ticket, form: forms.ResolveForm, request: HttpRequest) -> object:
    # The resolve service stays in tickets; the article is drafted after it, in the same
    # request, so a draft never exists for a ticket whose resolution failed.
    resolved = lifecycle.ticket_resolve(
        ticket=ticket, actor=request_user(request), note=form.cleaned_data["note"]
    )
    if not form.cleaned_data["also_draft"]:
        return resolved
    return _draft(resolved, None, request)


def _draft(ticket: Ticket, form: None, request: HttpRequest) -> KnowledgeArticle:
    if not can_edit_knowledge(request.user):
        raise PermissionDenied
    article = knowledge_article_from_ticket(ticket=ticket, author=request_user(request))
    messages.info(request, _("Article drafted: check the placeholders before publishing."))
    return article


def _link_article(ticket: Ticket, form: LinkArticleForm, request: HttpRequest) -> Ticket:
    if not can_edit_knowledge(request.user):
        raise PermissionDenied
    article = knowledge_article_by_slug(slug=form.slug(), public_only=False)
    if article is None:
        raise ValidationError(_("No article has that address."), code="no-article")
    knowledge_article_link(article=article, ticket=ticket, author=request_user(request))
    return ticket


def _reply(ticket: Ticket, form: forms.ReplyForm, request: HttpRequest) -> object:
    return replies.ticket_reply(
        ticket=ticket,
        author=request_user(request),
        text=form.cleaned_data["text"],
        cc=form.cc_list(),
        attachments=request.FILES.getlist("attachments"),
        pending=form.cleaned_data["pending"],
    )


ACTIONS: dict[str, Action] = {
    "priority": Action(
        forms.PriorityForm,
        lambda t, f, r: priority.ticket_set_priority(
            ticket=t,
            urgency=f.cleaned_data["urgency"],
            impact=f.cleaned_data["impact"],
            actor=request_user(r),
        ),
        _("Priority saved."),
    ),
    "take": Action(
        None, lambda t, f, r: assignment.ticket_take(ticket=t, actor=request_user(r)), _("Taken.")
    ),
    "assign": Action(
        forms.AssignForm,
        lambda t, f, r: assignment.ticket_assign(
            ticket=t, assignee=f.cleaned_data["assignee"], actor=request_user(r)
        ),
        _("Assignment saved."),
    ),
    "team": Action(
        forms.TeamForm,
        lambda t, f, r: assignment.ticket_set_team(
            ticket=t, team=f.cleaned_data["team"], actor=request_user(r)
        ),
        _("Team saved."),
    ),
    "tags": Action(
        forms.TagsForm,
        lambda t, f, r: lifecycle.ticket_tags_set(ticket=t, names=f.names(), actor=request_user(r)),
        _("Tags saved."),
    ),
    "open": Action(
        None, lambda t, f, r: lifecycle.ticket_open(ticket=t, actor=request_user(r)), _("Opened.")
    ),
    "pending": Action(
        None,
        lambda t, f, r: lifecycle.ticket_set_pending(ticket=t, actor=request_user(r)),
        _("Now waiting on the customer."),
    ),
    "resolve": Action(forms.ResolveForm, _resolve, _("Resolved; the customer has been told.")),
    "draft-article": Action(None, _draft, _("Draft saved.")),
    "link-article": Action(LinkArticleForm, _link_article, _("Article linked.")),
    "close": Action(
        None, lambda t, f, r: lifecycle.ticket_close(ticket=t, actor=request_user(r)), _("Closed.")
    ),
    "reopen": Action(
        forms.ReopenForm,
        lambda t, f, r: lifecycle.ticket_reopen(
            ticket=t, actor=request_user(r), reason=f.cleaned_data["reason"]
        ),
        _("Reopened."),
    ),
    "merge": Action(forms.MergeForm, _merge, _("Merged.")),
    "reply": Action(forms.ReplyForm, _reply, _("Reply queued for sending.")),
    "revoke-links": Action(
        None,
        lambda t, f, r: portal_links.ticket_portal_links_revoke(
            ticket=t, actor=request_user(r).get_username()
        ),
        _("The customer's links to this ticket no longer work; his next mail brings a new one."),
    ),
    "revoke-customer-links": Action(
        None,
        lambda t, f, r: portal_links.ticket_customer_portal_links_revoke(
            ticket=t, actor=request_user(r).get_username()
        ),
        _("None of this customer's portal links work any more; each next mail brings a new one."),
    ),
    "note": Action(
        forms.NoteForm,
        lambda t, f, r: replies.ticket_note_add(
            ticket=t, author=request_user(r), text=f.cleaned_data["text"]
        ),
        _("Note added."),
    ),
}


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or str(_("You may not do this."))


def _form_errors(form: django_forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def _after(request: HttpRequest, ticket: Ticket, result: object) -> HttpResponse:
    """Back to the ticket; to the merge target after a merge; to the inbox if now hidden.

    After drafting a knowledge article: to its editor, where the placeholders are reviewed.
    """
    if isinstance(result, KnowledgeArticle):
        return redirect("workspace:knowledge-edit", pk=result.pk)
    if isinstance(result, Ticket) and result.pk != ticket.pk:
        ticket = result
    ticket.refresh_from_db(fields=["team", "assignee"])
    if not can_view_ticket(request.user, ticket):
        return redirect("workspace:home")
    return redirect("workspace:ticket", number=ticket.number)


@require_POST
@agent_required
def ticket_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run ``action`` on ticket ``number`` (404 for tickets the agent may not see)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(action)
    ticket = ticket_for_user(user=request.user, number=number)
    form = spec.form(request.POST, request.FILES) if spec.form is not None else None
    if form is not None and not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("workspace:ticket", number=ticket.number)
    try:
        result = spec.run(ticket, form, request)
    except (ValidationError, PermissionDenied, TicketStateError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("workspace:ticket", number=ticket.number)
    messages.success(request, str(spec.done))
    return _after(request, ticket, result)
