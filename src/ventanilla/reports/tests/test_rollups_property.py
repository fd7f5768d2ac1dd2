"""Property: the rollups kept live equal a rebuild from the audit events and a naive count.

Random sequences of ticket events (new tickets of several organisations at random times,
status moves through the real ``ticket_transition``, team, agent, priority, tags, first
responses, breaches, ratings, inbound articles), delivered one by one as services do or in
batches as bulk writers do. Runs on SQLite and PostgreSQL (whichever the tests use).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ventanilla.customers.models import Organisation
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import Mailbox
from ventanilla.reports.columns import COUNTERS, VALUES
from ventanilla.reports.models import Rollup
from ventanilla.reports.services import rollups_apply, rollups_rebuild
from ventanilla.reports.tests.oracle import FIGURES, oracle_counts
from ventanilla.tickets import events
from ventanilla.tickets.models import Article, Ticket, TicketEvent
from ventanilla.tickets.services import ticket_create_from_mail
from ventanilla.tickets.states import TRANSITIONS, ticket_transition

TAGS = ["vpn", "factura", "correo"]
op = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.integers(0, 60 * 24 * 20)),
    st.tuples(
        st.just("status"),
        st.integers(0, 9),
        st.sampled_from(["open", "pending", "resolved", "closed"]),
    ),
    st.tuples(st.just("team"), st.integers(0, 9), st.sampled_from(["", "Soporte", "Redes"])),
    st.tuples(st.just("assign"), st.integers(0, 9), st.sampled_from(["", "ana", "luis"])),
    st.tuples(st.just("priority"), st.integers(0, 9), st.integers(1, 4)),
    st.tuples(
        st.just("tags"),
        st.integers(0, 9),
        st.sets(st.sampled_from(TAGS)),
        st.sets(st.sampled_from(TAGS)),
    ),
    st.tuples(
        st.just("first"),
        st.integers(0, 9),
        st.integers(0, 60 * 24 * 30),
        st.sampled_from([True, False, None]),
    ),
    st.tuples(
        st.just("breach"), st.integers(0, 9), st.sampled_from(["first_response", "resolution"])
    ),
    st.tuples(st.just("rate"), st.integers(0, 9), st.sampled_from(["good", "bad"]), st.booleans()),
    st.tuples(
        st.just("article"),
        st.integers(0, 9),
        st.sampled_from(["in", "out"]),
        st.sampled_from(["mail", "auto-reply", "bounce"]),
    ),
)
# Each step: its operations, and whether they reach the rollups one by one or as one batch.
steps = st.lists(
    st.tuples(st.lists(op, min_size=1, max_size=6), st.booleans()), min_size=1, max_size=8
)


def snapshot() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Every rollup row's key → its figures (rows whose figures are all zero left out)."""
    keys = ("grain", "start", "mailbox", "team", "agent", "priority", "channel", "facet")
    rows = {}
    for row in Rollup.objects.values(*keys, *VALUES):
        values = tuple(row[c] for c in VALUES)
        if any(values):
            rows[tuple(row[k] for k in keys)] = values
    return rows


class RollupPropertyTests(TestCase):
    """Random event sequences; the incremental rollups against two from-scratch counts."""

    mailbox: Mailbox
    orgs: list[Organisation | None]

    @classmethod
    def setUpTestData(cls):
        cls.mailbox = Mailbox.objects.create(
            name="Soporte", address="soporte@empresa.es", prefix="SOP"
        )
        cls.orgs = [
            None,
            *(Organisation.objects.create(name=f"Org {i}", domain=f"org{i}.es") for i in (1, 2)),
        ]

    def run_op(self, tickets: list[Ticket], ratings: dict[int, str], o: tuple[Any, ...]) -> None:
        kind = o[0]
        if kind == "create":
            org = self.orgs[o[1]]
            email = f"c{len(tickets)}@{org.domain if org else 'libre.es'}"
            customer = customer_upsert_from_mail(email=email, name="Cliente")
            received = timezone.now() - timedelta(minutes=o[2])
            tickets.append(
                ticket_create_from_mail(
                    mailbox=self.mailbox,
                    customer=customer,
                    subject="s",
                    received_at=received,
                    language="es",
                )
            )
            return
        if not tickets:
            return
        t = tickets[o[1] % len(tickets)]
        t.refresh_from_db()
        if kind == "status" and (t.status, o[2]) in TRANSITIONS:
            ticket_transition(ticket=t, to=o[2])
        elif kind == "team":
            events.ticket_team_set_event(ticket=t, previous="", new=o[2], actor="x")
        elif kind == "assign":
            events.ticket_assigned_event(ticket=t, previous="", new=o[2], actor="x")
        elif kind == "priority":
            events.ticket_priority_set_event(
                ticket=t, actor="x", previous={}, urgency="low", impact="low", priority=o[2]
            )
        elif kind == "tags":
            events.ticket_tags_set_event(
                ticket=t, added=sorted(o[2]), removed=sorted(o[3] - o[2]), actor="x"
            )
        elif kind == "first":
            events.ticket_first_response_event(
                ticket=t, at=t.received_at + timedelta(minutes=o[2]), within_sla=o[3]
            )
        elif kind == "breach":
            events.ticket_sla_breached_event(ticket=t, target=o[2], due_at=None, minutes=None)
        elif kind == "rate":
            events.ticket_rated_event(
                ticket=t, rating=o[2], previous=ratings.get(t.pk, ""), has_comment=o[3], actor="c"
            )
            ratings[t.pk] = o[2]
        elif kind == "article":
            article = Article(ticket=t, direction=o[2], kind=o[3], sender_email="c@x.es")
            events.ticket_article_added_event(ticket=t, article=article)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=steps)
    def test_live_rollups_equal_rebuild_and_naive_count(self, steps):
        tickets: list[Ticket] = []
        ratings: dict[int, str] = {}
        for ops, batched in steps:
            if not batched:
                for o in ops:
                    self.run_op(tickets, ratings, o)
                continue
            last = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            with override_settings(VENTANILLA_REPORTS_ROLLUPS=False):
                for o in ops:
                    self.run_op(tickets, ratings, o)
            rollups_apply(events=list(TicketEvent.objects.filter(pk__gt=last).order_by("pk")))
        live = snapshot()
        assert self.naive(live) == oracle_counts()
        self.assert_weeks_add_up(live)
        rollups_rebuild()
        assert snapshot() == live

    def naive(self, rows: dict[tuple[Any, ...], tuple[Any, ...]]) -> Counter[Any]:
        """The day rows of facet "" in the oracle's shape."""
        out: Counter[Any] = Counter()
        for (grain, start, mailbox, team, agent, priority, channel, facet), values in rows.items():
            if grain == "d" and facet == "":
                for figure in FIGURES:
                    out[(start, mailbox, team, agent, priority, channel, figure)] += values[
                        COUNTERS.index(figure)
                    ]
        return +out

    def assert_weeks_add_up(self, rows: dict[tuple[Any, ...], tuple[Any, ...]]) -> None:
        """Week rows are the sums of their days, facet by facet."""
        weeks: Counter[Any] = Counter()
        days: Counter[Any] = Counter()
        for (grain, start, *rest), values in rows.items():
            monday = start - timedelta(days=start.weekday())
            target = weeks if grain == "w" else days
            for column, value in zip(VALUES, values, strict=True):
                target[(monday, *rest, column)] += value
        assert +weeks == +days
