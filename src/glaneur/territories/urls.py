from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("topic/<slug:slug>/map/", views.topic_map, name="topic-map"),
    path("topic/<slug:slug>/p/<int:post_id>/places/add/", views.add_place, name="add-place"),
    path(
        "topic/<slug:slug>/p/<int:post_id>/places/part/",
        views.post_places_part,
        name="post-places-part",
    ),
    path(
        "topic/<slug:slug>/p/<int:post_id>/places/lookups/<int:pk>/dismiss/",
        views.dismiss_lookup,
        name="dismiss-lookup",
    ),
    path(
        "topic/<slug:slug>/p/<int:post_id>/places/<slug:kind>/<str:code>/",
        views.post_place,
        name="post-place",
    ),
]
