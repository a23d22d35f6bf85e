from django.urls import URLPattern, path

from . import views

app_name = "analytics"
urlpatterns: list[URLPattern] = [
    path("topic/<slug:slug>/stats/", views.topic_stats_page, name="topic-stats"),
    # The beacon of a post's source link (<a ping>): same origin, no redirect.
    path("click/<int:post_id>/", views.click, name="click"),
]
