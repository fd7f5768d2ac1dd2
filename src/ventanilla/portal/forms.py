"""The ticket page's answer form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_TEXT_CHARS = 20_000


class ReplyForm(forms.Form):
    """The customer's answer: text and/or files (files are read from ``request.FILES``).

    ``still_open`` is the "this is still not solved" button of a solved ticket: it may come
    without text, and then says just that.
    """

    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    still_open = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, has_files: bool = False, **kwargs: Any) -> None:
        """``has_files``: the request carried attachments (an answer of files only is fine)."""
        super().__init__(*args, **kwargs)
        self.has_files = has_files

    def clean(self) -> dict[str, Any]:
        """Require something to send, unless the customer says it is still not solved."""
        data = super().clean() or {}
        text = (data.get("text") or "").strip()
        if not text and not self.has_files and not data.get("still_open"):
            raise forms.ValidationError(_("Write your answer or attach a file."))
        data["text"] = text
        return data
