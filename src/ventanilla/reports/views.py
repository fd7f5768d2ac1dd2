"""The report pages: the team's report (supervisors, admins), an agent's own, CSV, opt-out."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ventanilla.agents.permissions import can_view_own_figures, can_view_reports
from ventanilla.reports.charts_report import report_charts
from ventanilla.reports.csv_export import table_csv
from ventanilla.reports.forms import ReportForm
from ventanilla.reports.periods import period_from
from ventanilla.reports.selectors import Filters, Report, report_build
from ventanilla.reports.summary import summary_opt_set, summary_opted_out
from ventanilla.reports.tables import TABLES

View = Callable[..., HttpResponse]


def agent_only(view: View) -> View:
    """Send anonymous visitors to the login page; refuse users who are not agents."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_own_figures(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _report(request: HttpRequest, *, own: bool) -> tuple[ReportForm, Report]:
    form = ReportForm(request.GET or None, own=own)
    agent = request.user.get_username() if own else None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = form.filters(agent=agent)
    else:
        data, filters = {}, Filters(agent=agent)
    period = period_from(
        preset=data.get("period") or "30d",
        first=data.get("first"),
        last=data.get("last"),
        today=timezone.localdate(),
    )
    return form, report_build(period=period, filters=filters)


def _page(request: HttpRequest, *, own: bool) -> HttpResponse:
    form, report = _report(request, own=own)
    context = {
        "form": form,
        "report": report,
        "own": own,
        "charts": report_charts(report),
        "tables": [build(report) for build in TABLES.values()],
        "query": request.GET.urlencode(),
        "opted_out": summary_opted_out(user_id=request.user.pk),
        "may_view_team": can_view_reports(request.user),
    }
    return render(request, "reports/report.html", context)


@agent_only
def report_home(request: HttpRequest) -> HttpResponse:
    """The team's report for supervisors and admins; agents go to their own figures."""
    if not can_view_reports(request.user):
        return redirect("reports:mine")
    return _page(request, own=False)


@agent_only
def report_mine(request: HttpRequest) -> HttpResponse:
    """The agent's own figures: the same report, limited to the tickets assigned to him."""
    return _page(request, own=True)


@agent_only
def report_csv(request: HttpRequest, scope: str, table: str) -> HttpResponse:
    """One table of the report as CSV (``scope``: ``team`` or ``mine``)."""
    build = TABLES.get(table)
    if build is None or scope not in ("team", "mine"):
        raise Http404
    own = scope == "mine"
    if not own and not can_view_reports(request.user):
        raise PermissionDenied
    _form, report = _report(request, own=own)
    response = HttpResponse(table_csv(build(report)), content_type="text/csv; charset=utf-8")
    name = f"{table}-{report.period.first:%Y%m%d}-{report.period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@agent_only
def summary_subscription(request: HttpRequest) -> HttpResponse:
    """Turn the weekly summary mail off or on again for the signed-in supervisor."""
    summary_opt_set(user_id=request.user.pk or 0, receive=request.POST.get("receive") == "1")
    return redirect("reports:home")
