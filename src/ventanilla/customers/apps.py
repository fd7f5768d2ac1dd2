"""App config for customers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers who write in."""

    name = "ventanilla.customers"
    label = "customers"
    verbose_name = _("Customers")
