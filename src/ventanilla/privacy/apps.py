"""App config for Data rights."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data rights: export and erasure of a customer's data, and the retention policy."""

    name = "ventanilla.privacy"
    label = "privacy"
    verbose_name = _("Data rights")
