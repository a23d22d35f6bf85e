from django.urls import path

from . import views

app_name = "audience"
urlpatterns = [
    path("topic/<slug:slug>/follow/", views.follow_toggle, name="follow"),
    path("topic/<slug:slug>/p/<int:post_id>/comment/", views.comment_create, name="comment"),
    path("comment/<int:comment_id>/hide/", views.comment_hide, name="comment-hide"),
    path("following/", views.following, name="following"),
]
