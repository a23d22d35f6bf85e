from django.urls import URLPattern, path

from . import views

app_name = "transfer"
urlpatterns: list[URLPattern] = [
    path("topic/<slug:slug>/transfer/", views.topic_transfer, name="topic"),
    path("topic/<slug:slug>/export/<str:fmt>/", views.topic_export, name="export"),
    path("topic/<slug:slug>/import/", views.topic_import, name="import"),
    path("topic/<slug:slug>/import/<int:job_id>/", views.import_job, name="job"),
]
