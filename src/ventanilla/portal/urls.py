"""URLs of the customer portal, mounted at ``/p/``."""

from django.urls import path
from django.views.i18n import set_language

from ventanilla.portal.views import ticket

app_name = "portal"

urlpatterns = [
    # Django's own switch: POST with CSRF, ``next`` checked against our host, language cookie.
    path("lang/", set_language, name="set-language"),
    path("t/<str:token>/", ticket.ticket_page, name="ticket"),
]
