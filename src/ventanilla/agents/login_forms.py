"""Login forms that say why they refused: "too many failed attempts, try again in N minutes".

The limiter itself is the authentication backend (``agents.login``); these forms only turn
the lock it met into a clear message. Any Django ``AuthenticationForm`` gains it by deriving
from ``RateLimitedAuthenticationForm`` too; without it a locked login is refused all the
same, with the generic "wrong username or password" message.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext

from ventanilla.agents.login import LoginLock, request_login_lock


def login_lock_message(lock: LoginLock) -> str:
    """Return the message for a locked login, in the active language."""
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        lock.minutes,
    ) % {"minutes": lock.minutes}


class RateLimitedAuthenticationForm(AuthenticationForm):
    """Replace the "invalid login" error by the lock message when the backend was locked."""

    def get_invalid_login_error(self) -> forms.ValidationError:
        """Say how long the lock lasts, or fall back to Django's message."""
        lock = request_login_lock(self.request)
        if lock is not None:
            return forms.ValidationError(login_lock_message(lock), code="rate_limited")
        return super().get_invalid_login_error()


class RateLimitedAdminAuthenticationForm(RateLimitedAuthenticationForm, AdminAuthenticationForm):
    """The admin site's login form (staff only) with the lock message."""
