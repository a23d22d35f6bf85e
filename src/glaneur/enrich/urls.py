from django.urls import path

from . import views

app_name = "enrich"
urlpatterns = [
    path("acteurs/<slug:slug>/", views.actor_detail, name="actor"),
    path("topic/<slug:slug>/acteurs/", views.topic_actors, name="topic-actors"),
]
