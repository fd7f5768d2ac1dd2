"""Health per host: heartbeats listed with roles and queue depth, a silent process named dead."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from ventanilla.core.beats import node_beat
from ventanilla.core.models import NodeBeat
from ventanilla.ops.heartbeat import beating

pytestmark = pytest.mark.django_db


def _beat(node: str, process: str, *, age: float, depth: int | None = 3) -> None:
    node_beat(
        node=node,
        process=process,
        roles="intake,worker",
        pid=4242,
        started_at=timezone.now(),
        queue_depth=depth,
    )
    NodeBeat.objects.filter(node=node, process=process).update(
        beat_at=timezone.now() - timedelta(seconds=age)
    )


def test_healthz_names_the_dead_worker_to_an_admin(admin_client, client, settings):
    settings.VENTANILLA_HEALTH_BEAT_SECONDS = 60
    _beat("host-a", "worker", age=5)
    _beat("host-a", "smtp", age=5)
    _beat("host-b", "worker", age=300)
    _beat("host-c", "worker", age=3 * 86400)  # taken out of the cluster: forgotten
    response = admin_client.get("/healthz", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    body = response.json()
    seen = {(p["host"], p["process"]): p["alive"] for p in body["processes"]}
    assert seen == {
        ("host-a", "smtp"): True,
        ("host-a", "worker"): True,
        ("host-b", "worker"): False,
    }
    dead = [p["message"] for p in body["problems"] if p["code"] == "process_dead"]
    assert len(dead) == 1
    assert "worker of host host-b (pid 4242)" in dead[0]
    public = client.get("/healthz").json()
    assert (public["hosts"], public["processes_dead"]) == (2, 1)
    assert "processes" not in public


def test_status_prints_each_hosts_processes(capsys):
    _beat("host-a", "worker", age=2, depth=7)
    _beat("host-b", "smtp", age=999)
    with translation.override("es"), pytest.raises(SystemExit) as exit_info:
        call_command("status")
    out = capsys.readouterr().out
    assert exit_info.value.code == 1
    assert "host-a worker" in out
    assert "vivo; funciones: intake,worker; pid 4242" in out
    assert "cola: 7" in out
    assert "host-b smtp" in out
    assert "CAÍDO" in out


@pytest.mark.django_db(transaction=True)
def test_a_process_beats_while_it_runs_and_its_row_goes_when_it_stops(settings):
    settings.VENTANILLA_NODE_NAME = "host-z"
    settings.VENTANILLA_ROLES = "intake"
    with beating("smtp") as heartbeat:
        for _ in range(50):
            if NodeBeat.objects.exists():
                break
            heartbeat.stopped.wait(0.1)
        row = NodeBeat.objects.get()
        assert (row.node, row.process, row.roles) == ("host-z", "smtp", "intake")
        assert status_json()["processes"][0]["alive"] is True
    assert not NodeBeat.objects.exists()


def status_json() -> Any:
    out = StringIO()
    with contextlib.suppress(SystemExit):
        call_command("status", "--json", stdout=out)
    return json.loads(out.getvalue())
