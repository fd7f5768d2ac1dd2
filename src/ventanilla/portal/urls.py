"""URLs of the customer portal, mounted at ``/p/``."""

from django.urls import path
from django.views.i18n import set_language

from ventanilla.portal.views import home, knowledge, rating, requests, signin, ticket

app_name = "portal"

urlpatterns = [
    # Django's own switch: POST with CSRF, ``next`` checked against our host, language cookie.
    path("lang/", set_language, name="set-language"),
    path("t/<str:token>/", ticket.ticket_page, name="ticket"),
    path(
        "t/<str:token>/attachments/<int:attachment_id>/",
        ticket.attachment_download,
        name="attachment",
    ),
    # The resolution notice's rating links: GET shows the form, POST records (views/rating.py).
    path("t/<str:token>/rate/<str:rating>/", rating.rating_page, name="rate"),
    # The front page: sign-in form and the help articles' search.
    path("", home.portal_home, name="home"),
    # All my requests: sign in by a mailed link, the list, a new request, sign out.
    path("signin/", signin.signin, name="signin"),
    path("signin/sent/", signin.signin_sent, name="signin-sent"),
    path("signin/<str:token>/", signin.signin_link, name="signin-link"),
    path("signout/", signin.signout, name="signout"),
    path("signed-out/", signin.signed_out, name="signed-out"),
    path("requests/", requests.my_requests, name="requests"),
    path("requests/new/", requests.request_new, name="request-new"),
    # Public knowledge.
    path("kb/", knowledge.knowledge_index, name="knowledge"),
    path("kb/<slug:slug>/", knowledge.knowledge_article, name="knowledge-article"),
    path("kb/<slug:slug>/feedback/", knowledge.knowledge_feedback, name="knowledge-feedback"),
]
