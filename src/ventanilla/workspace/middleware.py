"""Speak to each agent in the language of his profile.

Runs after ``AuthenticationMiddleware``: ``LocaleMiddleware`` has already picked a language
from the browser; a logged-in agent's ``AgentProfile.language`` wins over it. Dates are shown
in the company's time zone (``TIME_ZONE``), which is Django's default current time zone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from ventanilla.agents.selectors import agent_profile


class AgentLanguageMiddleware:
    """Activate the logged-in agent's language for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler of the chain."""
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Switch language for an agent, then hand on."""
        profile = agent_profile(request.user)
        if profile is not None and profile.language in self.supported:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = profile.language
        return self.get_response(request)
