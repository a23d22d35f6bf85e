from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("search/", views.search_all, name="search"),
    path("topic/<slug:slug>/search/", views.search_topic, name="topic-search"),
]
