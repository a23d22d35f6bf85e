from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("_glaneur/domain-check", views.domain_check, name="domain-check"),
    path("o/new/", views.organisation_new, name="new"),
    path("o/<slug:slug>/", views.organisation_page, name="page"),
    path("o/<slug:slug>/brand.css", views.brand_css, name="brand-css"),
    path("o/<slug:slug>/settings/", views.organisation_settings, name="settings"),
    path("o/<slug:slug>/settings/topics/", views.topic_add, name="topic-add"),
    path(
        "o/<slug:slug>/settings/topics/<int:topic_id>/remove/",
        views.topic_remove,
        name="topic-remove",
    ),
    path("o/<slug:slug>/settings/members/", views.member_add, name="member-add"),
    path(
        "o/<slug:slug>/settings/members/<int:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("o/<slug:slug>/settings/domains/", views.domain_add, name="domain-add"),
    path(
        "o/<slug:slug>/settings/domains/<int:domain_id>/verify/",
        views.domain_verify,
        name="domain-verify",
    ),
    path(
        "o/<slug:slug>/settings/domains/<int:domain_id>/remove/",
        views.domain_remove,
        name="domain-remove",
    ),
]
