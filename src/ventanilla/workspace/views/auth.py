"""Login and logout with Django's auth views, our template and the rate-limited form."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from ventanilla.agents.login_forms import RateLimitedAuthenticationForm


class LoginView(auth_views.LoginView):
    """The workspace login page (the limiter is the auth backend; the form names the lock)."""

    template_name = "workspace/login.html"
    authentication_form = RateLimitedAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django requires) and go back to the login page."""

    next_page = "workspace:login"
