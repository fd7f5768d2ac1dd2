"""Conformance suite over ``../shared/corpus``: locate the corpus and collect scores.

The corpus is other projects' test data; it is read in place and never copied into the
repo. Where it is absent (a user's own checkout) every conformance test is skipped with a
clear message; in CI (``CI=true``) its absence is an error, so a broken checkout cannot
pass by skipping.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("VENTANILLA_CORPUS", REPO.parent / "shared" / "corpus"))
SCORES: dict[str, object] = {}


def corpus_path(*parts: str) -> Path:
    """Return a path inside the shared corpus, skipping (or failing in CI) when absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        message = f"shared corpus not found at {path} (set VENTANILLA_CORPUS to its folder)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def record_score(name: str, value: object) -> None:
    """Record one score; all are printed at the end of the run and saved to artifacts/."""
    SCORES[name] = value


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the conformance scores and save them as ``artifacts/conformance.json``."""
    if not SCORES:
        return
    terminalreporter.section("conformance scores")
    for name in sorted(SCORES):
        terminalreporter.write_line(f"{name}: {SCORES[name]}")
    out = REPO / "artifacts"
    out.mkdir(exist_ok=True)
    (out / "conformance.json").write_text(json.dumps(SCORES, indent=2, sort_keys=True))
