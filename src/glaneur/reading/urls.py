"""The reader's pages keep curation's URL names (``curation:topic``, ``curation:post``):
the root URLconf serves them in the ``curation`` namespace, after curation's own paths."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("topic/<slug:slug>/", views.topic_detail, name="topic"),
    path("topic/<slug:slug>/p/<int:post_id>/<str:post_slug>/", views.post_detail, name="post"),
]
