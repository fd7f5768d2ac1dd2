"""The data-rights pages: admins only; the export downloads, the erasure needs the address."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.privacy.tests.conftest import LUCIA


@pytest.fixture
def lucia(history) -> Customer:
    """The customer with a history."""
    return Customer.objects.get(email=LUCIA)


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), ("agent", 403), ("supervisor", 403), ("admin", 200)],
    ids=["anonymous", "agent", "supervisor", "admin"],
)
def test_only_admins_reach_the_pages(client, make_agent, lucia, role, expected):
    if role is not None:
        client.force_login(make_agent("someone", role=role))
    page = client.get(reverse("privacy:customer"), {"email": LUCIA})
    export = client.post(reverse("privacy:export", args=[lucia.pk]))
    erase = client.post(reverse("privacy:erase", args=[lucia.pk]), {"confirm": LUCIA})
    assert page.status_code == expected
    assert export.status_code == expected
    assert erase.status_code == (302 if role in (None, "admin") else 403)
    if role != "admin":
        assert Customer.objects.filter(email=LUCIA).exists()
        assert not SensitiveAction.objects.filter(kind=SensitiveKind.EXPORT).exists()


def test_admin_finds_exports_and_erases(client, make_agent, lucia):
    adan = make_agent("adan", role="admin")
    client.force_login(adan)
    page = client.get(reverse("privacy:customer"), {"email": LUCIA.upper()})
    assert page.context["customer"] == lucia
    assert page.context["held"].tickets == 2
    download = client.post(reverse("privacy:export", args=[lucia.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert json.loads(archive.read("customer.json"))["customer"]["email"] == LUCIA
    wrong = client.post(reverse("privacy:erase", args=[lucia.pk]), {"confirm": "otra@x.es"})
    assert wrong.status_code == 400
    assert Customer.objects.filter(email=LUCIA).exists()
    done = client.post(reverse("privacy:erase", args=[lucia.pk]), {"confirm": LUCIA})
    assert done.status_code == 302
    assert not Customer.objects.filter(email=LUCIA).exists()
    kinds = list(
        SensitiveAction.objects.filter(target=f"customer:{lucia.pk}")
        .order_by("id")
        .values_list("kind", "actor_name")
    )
    assert kinds == [(SensitiveKind.EXPORT, "adan"), (SensitiveKind.ERASURE, "adan")]


def test_export_is_a_post_with_csrf(make_agent, lucia):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_agent("adan", role="admin"))
    assert strict.get(reverse("privacy:export", args=[lucia.pk])).status_code == 405
    assert strict.post(reverse("privacy:export", args=[lucia.pk])).status_code == 403


@pytest.mark.parametrize(("role", "shown"), [("supervisor", False), ("admin", True)])
def test_the_top_bar_links_admins_to_the_page(client, make_agent, role, shown):
    client.force_login(make_agent("someone", role=role))
    page = client.get(reverse("workspace:home"), follow=True).content.decode()
    assert (f'href="{reverse("privacy:customer")}"' in page) is shown
