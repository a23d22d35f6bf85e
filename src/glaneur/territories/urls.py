from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("topic/<slug:slug>/map/", views.topic_map, name="topic-map"),
]
