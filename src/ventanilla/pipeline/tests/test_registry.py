"""The registry's named pipelines: the live one and the import one, chosen by source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ventanilla.mail.models import InboundSource
from ventanilla.pipeline import registry
from ventanilla.pipeline.rules.loop import ArchiveLoop, Loop

LIVE_SOURCES = [s for s in InboundSource if s is not InboundSource.IMPORT]
HANDLERS_DIR = Path(registry.__file__).parent / "handlers"


@pytest.mark.parametrize("source", LIVE_SOURCES)
def test_live_sources_take_the_live_pipeline(source):
    pipeline = registry.pipeline_for(source)
    assert pipeline.name == "live"
    assert pipeline.handlers == registry.INBOUND_PIPELINE
    assert type(pipeline.rules["loop"]) is Loop
    assert not [name for name in pipeline.handlers if name.startswith(("imported", "archived"))]


def test_an_archive_takes_the_import_pipeline():
    pipeline = registry.pipeline_for(InboundSource.IMPORT)
    assert pipeline.name == "import"
    assert isinstance(pipeline.rules["loop"], ArchiveLoop)
    # Live-only steps are simply not in it: no sender check years later, agents' archived
    # answers are never acted on again, tickets are dated and triaged as history.
    for live_only in ("authenticate", "agent-mail", "ticket", "triage"):
        assert live_only not in pipeline.handlers
    order = pipeline.handlers
    assert order.index("thread") < order.index("imported-sender") < order.index("body")
    assert order.index("language") < order.index("imported-reply") < order.index("attachments")
    assert order.index("imported-reply-kept") < order.index("customer")


def test_every_named_step_is_registered():
    for source in InboundSource:
        pipeline = registry.pipeline_for(source)
        assert all(name in registry.HANDLERS for name in pipeline.handlers)
        assert all(name in pipeline.rules for name, _action in pipeline.chain)


def test_no_handler_runs_another_handler():
    # The registry tells the whole order: a handler module never imports another one.
    for path in HANDLERS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        others = {m for m in imported if m.startswith("ventanilla.pipeline.handlers.")}
        # Shared pure helpers (a date rule) are allowed; handler classes are not.
        for module in others:
            names = {
                alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == module
                for alias in node.names
            }
            classes = {n for n in names if n[:1].isupper() and n.upper() != n}
            assert not classes, f"{path.name} imports handler classes {classes} from {module}"
