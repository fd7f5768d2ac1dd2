"""The markdown subset of replies: what becomes markup, and that nothing else can."""

from __future__ import annotations

import pytest

from ventanilla.outbound.formatting import has_formatting, markdown_to_html


def _inner(text: str) -> str:
    html = markdown_to_html(text)
    return html.split("<body>\n", 1)[1].rsplit("\n</body>", 1)[0]


def test_constructs():
    assert _inner("**negrita** y *cursiva* y _también_") == (
        "<p><strong>negrita</strong> y <em>cursiva</em> y <em>también</em></p>"
    )
    assert _inner("- uno\n- dos\n\n1. a\n2) b") == (
        "<ul>\n<li>uno</li>\n<li>dos</li>\n</ul>\n<ol>\n<li>a</li>\n<li>b</li>\n</ol>"
    )
    assert _inner("Ver [ayuda](https://e.es/a?x=1&y=2).") == (
        '<p>Ver <a href="https://e.es/a?x=1&amp;y=2">ayuda</a>.</p>'
    )
    assert _inner("línea 1\nlínea 2") == "<p>línea 1<br>\nlínea 2</p>"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '[x](https://e.es/" onmouseover="alert(1))',
        "**<b>x</b>**",
    ],
)
def test_nothing_else_becomes_markup(text):
    html = _inner(text)
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "javascript:" not in html or "href" not in html
    assert "onmouseover=" not in html or '" onmouseover' not in html


def test_plain_text_is_not_formatting():
    assert not has_formatting("Hola, gracias.\n\n-- \nAna\n2*3 = 6 y snake_case_name")
    assert has_formatting("Hola **Ana**")
    assert has_formatting("- punto")
    assert has_formatting("[web](https://e.es)")
