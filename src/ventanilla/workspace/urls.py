"""URLs of the agent workspace, mounted at ``/``."""

from django.urls import path

from ventanilla.workspace.views import account, actions, auth, inbox, original, ticket

app_name = "workspace"

urlpatterns = [
    path("", inbox.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("inbox/<slug:view>/", inbox.inbox, name="inbox"),
    path("t/<str:number>/", ticket.ticket_detail, name="ticket"),
    path("t/<str:number>/a/<int:article_id>/", ticket.article_body, name="article-body"),
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
]
