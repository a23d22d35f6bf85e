from django.urls import path

from . import scoop_views, views

app_name = "curation"
urlpatterns = [
    path("topic/new/", views.topic_create, name="topic-create"),
    path("scoop/", scoop_views.scoop, name="scoop"),
    path("scoop/capture/", scoop_views.scoop_capture, name="scoop-capture"),
    path("topic/<slug:slug>/edit/", views.topic_edit, name="topic-edit"),
    path("topic/<slug:slug>/post/new/", views.post_create, name="post-create"),
    path("topic/<slug:slug>/drafts/", views.topic_drafts, name="topic-drafts"),
    path(
        "topic/<slug:slug>/p/<int:post_id>/refetch/", scoop_views.post_refetch, name="post-refetch"
    ),
    path("topic/<slug:slug>/p/<int:post_id>/card/", scoop_views.post_card, name="post-card"),
    path("topic/<slug:slug>/p/<int:post_id>/edit/", views.post_edit, name="post-edit"),
    path("topic/<slug:slug>/p/<int:post_id>/delete/", views.post_delete, name="post-delete"),
    path("topic/<slug:slug>/p/<int:post_id>/pin/", views.post_pin, name="post-pin"),
    path("topic/<slug:slug>/p/<int:post_id>/rescoop/", views.post_rescoop, name="post-rescoop"),
    path(
        "topic/<slug:slug>/p/<int:post_id>/retry/<slug:step>/",
        views.post_retry_step,
        name="post-retry-step",
    ),
    path("u/<str:username>/", views.profile, name="profile"),
]
