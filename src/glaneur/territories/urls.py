from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("topic/<slug:slug>/map/", views.topic_map, name="topic-map"),
    path(
        "topic/<slug:slug>/p/<int:post_id>/places/<slug:kind>/<str:code>/",
        views.post_place,
        name="post-place",
    ),
]
