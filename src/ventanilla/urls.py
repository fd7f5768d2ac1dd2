"""URL map: the admin for now; the agent workspace and API mount here later."""

from django.contrib import admin
from django.urls import path

from ventanilla.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
