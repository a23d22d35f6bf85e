from django.urls import path

from . import account_views, newsletter_views, views

app_name = "audience"
urlpatterns = [
    path("topic/<slug:slug>/follow/", views.follow_toggle, name="follow"),
    path("topic/<slug:slug>/p/<int:post_id>/comment/", views.comment_create, name="comment"),
    path("comment/<int:comment_id>/hide/", views.comment_hide, name="comment-hide"),
    path("following/", views.following, name="following"),
    # One-click unsubscribe (RFC 8058) for digests and newsletters: signed, no log-in.
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # The reader's own settings.
    path("settings/", account_views.profile_settings, name="settings"),
    path("settings/subscriptions/", account_views.subscriptions, name="subscriptions"),
    path("settings/delete/", account_views.delete_account, name="delete-account"),
    # Topic newsletters: public side.
    path("topic/<slug:slug>/newsletter/", newsletter_views.archive, name="archive"),
    path("topic/<slug:slug>/newsletter/<int:issue_id>/", newsletter_views.issue, name="issue"),
    path(
        "topic/<slug:slug>/newsletter/subscribe/",
        newsletter_views.subscribe,
        name="subscribe",
    ),
    path("topic/<slug:slug>/newsletter/embed/", newsletter_views.embed, name="embed"),
    path(
        "topic/<slug:slug>/newsletter/confirm/<str:token>/",
        newsletter_views.confirm,
        name="confirm",
    ),
    # Topic newsletters: the curators' side.
    path("topic/<slug:slug>/newsletter/manage/", newsletter_views.manage, name="newsletter-manage"),
    path(
        "topic/<slug:slug>/newsletter/recipients.csv",
        newsletter_views.export_recipients,
        name="newsletter-export",
    ),
    path(
        "topic/<slug:slug>/newsletter/import/",
        newsletter_views.import_recipients,
        name="newsletter-import",
    ),
    path(
        "topic/<slug:slug>/newsletter/compose/",
        newsletter_views.compose,
        name="newsletter-compose",
    ),
    path(
        "topic/<slug:slug>/newsletter/issues/<int:issue_id>/",
        newsletter_views.issue_admin,
        name="issue-admin",
    ),
]
