"""URL map: the admin for now; the agent workspace and API mount here later."""

from django.contrib import admin
from django.urls import include, path

from ventanilla.mail.health_view import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("ventanilla.mail.urls")),
    path("", include("ventanilla.workspace.urls")),
]
