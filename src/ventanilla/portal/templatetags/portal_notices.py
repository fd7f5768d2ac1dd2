"""``{% portal_notice as text %}``: the service notice in force for the page (see ``notices``)."""

from __future__ import annotations

from typing import Any

from django import template

from ventanilla.portal.notices import portal_notice_text

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_notice(context: Any) -> str:
    """Return the notice's text for the page being rendered ("" when none is in force)."""
    return portal_notice_text(context.flatten())
