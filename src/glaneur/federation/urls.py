"""ActivityPub addresses: discovery under /.well-known/, a topic's actor endpoints under
its page's path (DESIGN.md's scheme), the shared inbox at /inbox."""

from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("inbox", views.shared_inbox, name="shared_inbox"),
    path("topic/<slug:slug>/actor", views.actor, name="actor"),
    path("topic/<slug:slug>/inbox", views.inbox, name="inbox"),
    path("topic/<slug:slug>/outbox", views.outbox, name="outbox"),
    path("topic/<slug:slug>/followers", views.followers, name="followers"),
    path("topic/<slug:slug>/followers/remote/", views.followers_page, name="followers-page"),
]
