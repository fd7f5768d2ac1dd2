"""Template context for the workspace header: availability and unread notifications."""

from __future__ import annotations

from django.http import HttpRequest

from ventanilla.agents.selectors import agent_is_available, agent_profile, notification_unread_for


def workspace_header(request: HttpRequest) -> dict[str, object]:
    """Return ``agent``, ``agent_available`` and ``unread_notifications`` for agents only."""
    profile = agent_profile(request.user)
    if profile is None:
        return {}
    # Lazy: the count query runs only on pages that render the header.
    unread = notification_unread_for(user_id=request.user.pk)
    return {
        "agent": profile,
        "agent_available": agent_is_available(profile),
        "unread_notifications": unread.count,
    }
