"""The difference between two versions of an article, line by line (difflib).

The result is plain data (kind, text, line numbers) that templates render with Django's
autoescaping: no HTML is built here, so nothing an author typed can become markup.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ventanilla.knowledge.models import KnowledgeArticleVersion


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: ``context``, ``added``, ``removed``, or ``gap`` (lines skipped)."""

    kind: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


def text_diff(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """Lines of ``old`` → ``new`` with ``context`` unchanged lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    DiffLine("context", a[i], i + 1, j1 + k + 1)
                    for k, i in enumerate(range(i1, i2))
                )
                continue
            lines.extend(DiffLine("removed", a[i], old_number=i + 1) for i in range(i1, i2))
            lines.extend(DiffLine("added", b[j], new_number=j + 1) for j in range(j1, j2))
    return lines


def version_diff(*, old: KnowledgeArticleVersion, new: KnowledgeArticleVersion) -> list[DiffLine]:
    """The diff of two versions: the title as the first line, then the body."""
    return text_diff(f"# {old.title}\n\n{old.body}", f"# {new.title}\n\n{new.body}")
