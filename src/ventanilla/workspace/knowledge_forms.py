"""Forms of the workspace's Knowledge section: the list's filters and the article editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.knowledge.models import (
    ArticleLanguage,
    ArticleStatus,
    ArticleVisibility,
    KnowledgeCategory,
)
from ventanilla.knowledge.selectors import knowledge_categories

_ANY = [("", "—")]


class KnowledgeFilterForm(forms.Form):
    """Filters of the article list (all optional)."""

    q = forms.CharField(label=_("Text"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_ANY + list(ArticleStatus.choices)
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), required=False, choices=_ANY + list(ArticleVisibility.choices)
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_ANY + list(ArticleLanguage.choices)
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Offer the categories that exist now."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _ANY + [(c.slug, c.name) for c in knowledge_categories()]


class KnowledgeArticleForm(forms.Form):
    """Title, Markdown body, language, audience, category and comma-separated tags."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Simple formatting: **bold**, *italic*, [text](https://…), lines starting "
            "with - or 1. for lists, a blank line between paragraphs."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=ArticleVisibility.choices)
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=KnowledgeCategory.objects.none(),
        empty_label=_("(no category)"),
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Offer the categories that exist now."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = knowledge_categories()

    def tag_names(self) -> list[str]:
        """The distinct non-empty tag names, in the order typed."""
        seen: dict[str, None] = {}
        for name in self.cleaned_data["tags"].split(","):
            if name.strip():
                seen.setdefault(name.strip()[:50], None)
        return list(seen)


class LinkArticleForm(forms.Form):
    """Link an existing article to a ticket, by its address (``/kb/<slug>/``) or slug."""

    article = forms.CharField(label=_("Article address"), max_length=300)

    def slug(self) -> str:
        """The slug out of whatever was pasted: a full URL, ``/kb/<slug>/`` or the slug."""
        return str(self.cleaned_data["article"]).strip().rstrip("/").rsplit("/", 1)[-1]
