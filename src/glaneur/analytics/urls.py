from django.urls import URLPattern, path

from . import views

app_name = "analytics"
urlpatterns: list[URLPattern] = [
    path("topic/<slug:slug>/stats/", views.topic_stats_page, name="topic-stats"),
]
