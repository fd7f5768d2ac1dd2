"""URL map of the reports app."""

from django.urls import URLPattern, URLResolver, path

from ventanilla.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_home, name="home"),
    path("mine/", views.report_mine, name="mine"),
    path("<str:scope>/<slug:table>.csv", views.report_csv, name="csv"),
    path("summary/", views.summary_subscription, name="summary"),
]
