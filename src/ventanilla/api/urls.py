"""URL map of the api app: the v1 API (its endpoints, ``openapi.json`` and ``docs``)."""

from django.urls import URLPattern, URLResolver, path

from ventanilla.api.main import api

urlpatterns: list[URLPattern | URLResolver] = [path("", api.urls)]
