"""Admin of the configuration: every page renders; calendars with bad hours are refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ventanilla.agents.models import AgentProfile, Team
from ventanilla.customers.models import Organisation
from ventanilla.tickets.models import (
    BusinessCalendar,
    CannedResponse,
    PriorityCell,
    SlaPolicy,
    Tag,
)
from ventanilla.tickets.sla_config import sla_config
from ventanilla.tickets.tests.sla_fixtures import sla_defaults_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sla_defaults")]
MODELS = (PriorityCell, SlaPolicy, BusinessCalendar, CannedResponse, Tag, Organisation, Team)


def _url(model: type, view: str, *args: object) -> str:
    meta = model._meta  # type: ignore[attr-defined]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [*MODELS, AgentProfile])
def test_changelist_and_add_pages_render(admin_client, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "add")).status_code == 200


def _calendar_form(hours: object) -> dict[str, str]:
    return {
        "name": "Canarias",
        "time_zone": "Atlantic/Canary",
        "hours": json.dumps(hours),
        "spanish_holidays": "on",
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-0-date": "2026-05-30",
        "holidays-0-name": "Día de Canarias",
    }


def test_a_calendar_with_bad_hours_is_refused_and_a_good_one_saved(admin_client):
    url = _url(BusinessCalendar, "add")
    bad = admin_client.post(url, _calendar_form({"1": [["09:00", "25:00"]]}))
    assert bad.status_code == 200
    assert not BusinessCalendar.objects.filter(name="Canarias").exists()
    good = admin_client.post(url, _calendar_form({"1": [["08:00", "15:00"]]}))
    assert good.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Canarias")
    assert calendar.holidays.get().name == "Día de Canarias"


def test_editing_a_target_in_the_admin_reaches_the_cached_config(admin_client):
    assert sla_config().targets[1].first_response_minutes == 30
    policy = SlaPolicy.objects.get(priority=1)
    response = admin_client.post(
        _url(SlaPolicy, "change", policy.pk),
        {
            "priority": "1",
            "first_response_minutes": "15",
            "resolution_minutes": "240",
            "warn_percent": "75",
            "calendar": str(policy.calendar_id),
        },
    )
    assert response.status_code == 302
    assert sla_config().targets[1].first_response_minutes == 15
    assert sla_config().targets[1].warn_percent == 75
