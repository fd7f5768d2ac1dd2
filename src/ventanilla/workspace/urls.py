"""URLs of the agent workspace, mounted at ``/``."""

from django.urls import path

from ventanilla.workspace.views import (
    account,
    actions,
    api_tokens,
    auth,
    inbox,
    knowledge,
    knowledge_edit,
    original,
    search,
    suggestions,
    ticket,
)

app_name = "workspace"

urlpatterns = [
    path("", inbox.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("inbox/<slug:view>/", inbox.inbox, name="inbox"),
    path("search/", search.search_page, name="search"),
    path("t/<str:number>/", ticket.ticket_detail, name="ticket"),
    path("t/<str:number>/a/<int:article_id>/", ticket.article_body, name="article-body"),
    path("t/<str:number>/suggestions/", suggestions.ticket_suggestions, name="suggestions"),
    path(
        "t/<str:number>/a/<int:article_id>/original/",
        original.article_original,
        name="article-original",
    ),
    path(
        "t/<str:number>/attachments/<int:attachment_id>/",
        ticket.attachment_download,
        name="attachment",
    ),
    path("t/<str:number>/canned/<int:canned_id>/", ticket.canned_text, name="canned"),
    path("t/<str:number>/do/<slug:action>/", actions.ticket_action, name="action"),
    path("me/availability/", account.availability, name="availability"),
    path("notifications/", account.notifications, name="notifications"),
    path("notifications/read/", account.notifications_read, name="notifications-read"),
    path("me/api-tokens/", api_tokens.api_tokens, name="api-tokens"),
    path(
        "me/api-tokens/<int:token_id>/revoke/",
        api_tokens.api_token_revoke_view,
        name="api-token-revoke",
    ),
    path("knowledge/", knowledge.article_list, name="knowledge"),
    path("knowledge/new/", knowledge_edit.article_create, name="knowledge-new"),
    path("knowledge/<int:pk>/", knowledge.article_detail, name="knowledge-article"),
    path("knowledge/<int:pk>/edit/", knowledge_edit.article_edit, name="knowledge-edit"),
    path("knowledge/<int:pk>/diff/", knowledge.article_diff, name="knowledge-diff"),
    path("knowledge/<int:pk>/publish/", knowledge_edit.article_publish, name="knowledge-publish"),
    path(
        "knowledge/<int:pk>/unpublish/",
        knowledge_edit.article_unpublish,
        name="knowledge-unpublish",
    ),
    path("kb/<slug:slug>/", knowledge.article_by_slug, name="knowledge-slug"),
]
