"""An imported archive counts once in the reports, resolved when its mail says so."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from ventanilla.imports.tests.history_archive import old_mailbox, write_mbox
from ventanilla.reports.columns import hist_columns
from ventanilla.reports.models import Rollup
from ventanilla.tickets.models import Ticket, TicketStatus


def _totals() -> dict[str, int]:
    sums = Rollup.objects.filter(grain="d", facet="").aggregate(
        created=Sum("created"), resolved=Sum("resolved")
    )
    return {name: int(value or 0) for name, value in sums.items()}


@pytest.mark.django_db
def test_a_closed_archive_is_created_and_resolved_once_per_ticket(mailbox, tmp_path):
    threads, messages = old_mailbox()
    path = write_mbox(tmp_path / "old.mbox", messages)
    call_command("mail", "import", str(path), "--no-progress", stdout=io.StringIO())

    tickets = Ticket.objects.count()
    assert tickets == len(threads)
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.CLOSED}
    live = _totals()
    assert live == {"created": tickets, "resolved": tickets}
    # Its settled row is written with the thread's first mail: no resolution time to count.
    columns = hist_columns("rsw") + hist_columns("rsb")
    timed = Rollup.objects.aggregate(**{c: Sum(c) for c in columns})
    assert not any(timed.values())
    call_command("reports", "rebuild", stdout=io.StringIO())
    assert _totals() == live
