"""Mail URLs: the HTTP intake (``POST /intake/<mailbox address or prefix>/``)."""

from django.urls import path

from ventanilla.intake import views

urlpatterns = [
    path("intake/<str:key>/", views.intake, name="mail-intake"),
]
