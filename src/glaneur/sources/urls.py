from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("topic/<slug:slug>/suggestions/", views.inbox, name="inbox"),
]
