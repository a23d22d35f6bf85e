from django.urls import path

from . import source_views, views

app_name = "sources"
urlpatterns = [
    path("topic/<slug:slug>/suggestions/", views.inbox, name="inbox"),
    path("topic/<slug:slug>/suggestions/seen/", views.mark_seen, name="inbox-seen"),
    path("topic/<slug:slug>/suggestions/<int:pk>/scoop/", views.scoop, name="inbox-scoop"),
    path("topic/<slug:slug>/suggestions/<int:pk>/discard/", views.discard, name="inbox-discard"),
    path("topic/<slug:slug>/suggest/", views.suggest, name="suggest"),
    path("topic/<slug:slug>/sources/", source_views.sources, name="sources"),
    path("topic/<slug:slug>/sources/add/", source_views.add, name="sources-add"),
    path("topic/<slug:slug>/sources/poll/", source_views.poll, name="sources-poll"),
    path("topic/<slug:slug>/sources/import/", source_views.import_opml, name="sources-import"),
    path("topic/<slug:slug>/sources/export.opml", source_views.export_opml, name="sources-export"),
    path("topic/<slug:slug>/sources/engine/", source_views.engine, name="sources-engine"),
    path("topic/<slug:slug>/sources/<int:pk>/remove/", source_views.remove, name="sources-remove"),
    path("suggestions/", views.mine, name="mine"),
    path("suggestions/<str:token>/", views.status, name="status"),
]
