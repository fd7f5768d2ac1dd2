"""Fast rendering of automatic mail: built-in templates and mailboxes' own templates.

An acknowledgement is rendered for nearly every new ticket, so its cost counts (the whole
pipeline aims at about 4 ms a message). Measured per acknowledgement before this module:
about 0.5 ms to build the ORM query that looks for the mailbox's template, and 0.45 ms to
render the two built-in templates (``{% blocktranslate %}`` and friends). Hence:

- `mailbox_template` runs one hand-written indexed SELECT (0.03 ms) instead of the ORM query;
- `render_builtin` renders a built-in template once per (template, language, which values are
  empty) with placeholders, and then only substitutes the values. This is exact because the
  built-in templates (``templates/mail/``, ours) only *insert* context values verbatim
  (autoescape off, no filters) and only *test whether they are empty*. The first use of
  each shape is checked against a real rendering; a template that breaks the rule simply
  keeps being rendered the normal way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import translation

from ventanilla.mail.models import MailTemplate

_MARK = re.compile("\ue000(\\d+)\ue001")  # private-use code points: never in our templates
_MAX_ENTRIES = 512
# (template name, language, shape) -> text with placeholders, or None: render normally.
_SKELETONS: dict[tuple[str, str, tuple[tuple[str, bool], ...]], str | None] = {}
# Mailboxes' compiled templates, keyed by their source text: an edited template is a new key,
# so a stale entry is never used. Cleared when it grows (there are few templates).
_COMPILED: dict[str, Template] = {}


def render_builtin(name: str, language: str, context: Mapping[str, Any]) -> str:
    """Render the built-in template ``name`` in ``language`` with a plain-values ``context``."""
    leaves = _leaves(context)
    key = (name, language, tuple((path, bool(value)) for path, value in leaves))
    if key not in _SKELETONS:
        if len(_SKELETONS) >= _MAX_ENTRIES:
            _SKELETONS.clear()
        _SKELETONS[key] = _skeleton(name, language, context, leaves)
    skeleton = _SKELETONS[key]
    if skeleton is None:
        return _render(name, language, context)
    values = [str(value) for _path, value in leaves]
    # One pass: an inserted value is never scanned again, whatever it contains.
    return _MARK.sub(lambda match: values[int(match.group(1))], skeleton)


def _leaves(context: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    leaves: list[tuple[str, Any]] = []
    for key, value in context.items():
        if isinstance(value, Mapping):
            leaves.extend(_leaves(value, f"{prefix}{key}."))
        else:
            leaves.append((prefix + key, value))
    return leaves


def _skeleton(
    name: str, language: str, context: Mapping[str, Any], leaves: list[tuple[str, Any]]
) -> str | None:
    """Render with a placeholder for every non-empty value; None if that is not exact."""
    marked: dict[str, Any] = {}
    for index, (path, value) in enumerate(leaves):
        *parents, last = path.split(".")
        node = marked
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = f"\ue000{index}\ue001" if value else value
    skeleton = _render(name, language, marked)
    values = [str(value) for _path, value in leaves]
    fast = _MARK.sub(lambda match: values[int(match.group(1))], skeleton)
    return skeleton if fast == _render(name, language, context) else None


def _render(name: str, language: str, context: Mapping[str, Any]) -> str:
    with translation.override(language):
        return get_template(name).render(dict(context))


def mailbox_template(*, mailbox_id: int, kind: str, language: str) -> MailTemplate | None:
    """Return the mailbox's own template for (kind, language), or None.

    A hand-written SELECT on the unique (mailbox, kind, language) index: building the same
    ORM query cost 15 times the query itself. Only the fields rendering needs are loaded.
    """
    sql = _TEMPLATE_SQL.get(connection.vendor)
    if sql is None:
        columns = ", ".join(_column(name) for name in ("id", "subject", "body"))
        where = " AND ".join(f"{_column(name)} = %s" for name in ("mailbox", "kind", "language"))
        table = connection.ops.quote_name(MailTemplate._meta.db_table)
        # Table and column names come from _meta; the values are query parameters.
        sql = _TEMPLATE_SQL[connection.vendor] = f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [mailbox_id, kind, language])
        row = cursor.fetchone()
    if row is None:
        return None
    return MailTemplate(
        id=row[0], mailbox_id=mailbox_id, kind=kind, language=language, subject=row[1], body=row[2]
    )


_TEMPLATE_SQL: dict[str, str] = {}


def _column(name: str) -> str:
    column = getattr(MailTemplate._meta.get_field(name), "column", None)
    if not isinstance(column, str):
        raise TypeError(name)
    return connection.ops.quote_name(column)


def compiled(source: str) -> Template:
    """Return ``source`` (a mailbox template's subject or body) compiled, cached by its text."""
    result = _COMPILED.get(source)
    if result is None:
        if len(_COMPILED) >= _MAX_ENTRIES:
            _COMPILED.clear()
        result = _COMPILED[source] = Template(source)
    return result


def render_compiled(template: Template, language: str, context: Mapping[str, Any]) -> str:
    """Render a compiled mailbox template in ``language`` as plain text (no HTML escaping)."""
    with translation.override(language):
        return template.render(Context(dict(context), autoescape=False))
