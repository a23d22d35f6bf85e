from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("topic/<slug:slug>/members/", views.members, name="members"),
    path("topic/<slug:slug>/review/", views.review, name="review"),
    path("topic/<slug:slug>/audit/", views.audit_list, name="audit"),
    path("invitations/<str:token>/", views.accept, name="accept"),
]
