"""Forms of the data-rights pages: find a customer, confirm an erasure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerLookupForm(forms.Form):
    """The customer's address."""

    email = forms.EmailField(label=_("Customer's address"), max_length=320)


class EraseForm(forms.Form):
    """The admin types the customer's address again: an erasure cannot be undone."""

    confirm = forms.CharField(label=_("Type the customer's address to confirm"), max_length=320)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        """Remember the address the confirmation must match."""
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm(self) -> str:
        """Accept only the customer's own address (case does not matter)."""
        value: str = self.cleaned_data["confirm"].strip().lower()
        if value != self.email.lower():
            raise forms.ValidationError(_("That is not this customer's address."))
        return value
