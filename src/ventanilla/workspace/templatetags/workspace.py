"""Filters for showing mail safely: the sandboxed document of an HTML body."""

from __future__ import annotations

from django import template

from ventanilla.workspace.display import html_with_remote_images

register = template.Library()

# The body runs in <iframe sandbox srcdoc=...>: no script, no same origin, no forms. The CSP
# also keeps every fetch off (tracking pixels, CSS url()), unless the agent allowed images.
_HEAD = (
    '<!doctype html><html><head><meta charset="utf-8">'
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src {img}\">"
    '<base target="_blank"><style>body{{font:14px/1.45 system-ui,sans-serif;margin:8px;'
    "color:#1d2430;word-wrap:break-word}}img{{max-width:100%;height:auto}}</style></head><body>"
)


@register.filter
def srcdoc(html: str, images: bool = False) -> str:
    """Return the document to put in the iframe's ``srcdoc`` (autoescaped by the template)."""
    if images:
        return _HEAD.format(img="https: http: data:") + html_with_remote_images(html)
    return _HEAD.format(img="data:") + html


@register.filter
def has_remote_images(html: str) -> bool:
    """True when the sanitiser blocked at least one remote image in ``html``."""
    return "data-remote-src=" in html
