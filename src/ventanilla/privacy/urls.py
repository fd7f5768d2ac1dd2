"""URLs of the data-rights pages, under ``/privacy/``."""

from django.urls import path

from ventanilla.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.customer_page, name="customer"),
    path("customers/<int:customer_id>/export", views.customer_export, name="export"),
    path("customers/<int:customer_id>/erase", views.customer_erase_view, name="erase"),
]
