"""URL map: health, the admin site, mail intake over HTTP and the agent workspace."""

from django.contrib import admin
from django.urls import include, path

from ventanilla.agents.login_forms import RateLimitedAdminAuthenticationForm
from ventanilla.ops.health_view import healthz

# The admin's login goes through the same limiter as the workspace's (the auth backend);
# this form only tells a locked user for how long.
admin.site.login_form = RateLimitedAdminAuthenticationForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("ventanilla.intake.urls")),
    path("p/", include("ventanilla.portal.urls")),
    path("api/v1/", include("ventanilla.api.urls")),
    path("reports/", include("ventanilla.reports.urls")),
    path("privacy/", include("ventanilla.privacy.urls")),
    path("", include("ventanilla.workspace.urls")),
]
