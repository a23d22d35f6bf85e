from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("topic/<slug:slug>/suggestions/", views.inbox, name="inbox"),
    path("topic/<slug:slug>/suggestions/seen/", views.mark_seen, name="inbox-seen"),
    path("topic/<slug:slug>/suggestions/<int:pk>/scoop/", views.scoop, name="inbox-scoop"),
    path("topic/<slug:slug>/suggestions/<int:pk>/discard/", views.discard, name="inbox-discard"),
    path("topic/<slug:slug>/suggest/", views.suggest, name="suggest"),
    path("suggestions/", views.mine, name="mine"),
    path("suggestions/<str:token>/", views.status, name="status"),
]
