from django.urls import path

from . import views

app_name = "enrich"
urlpatterns = [
    path("acteurs/<slug:slug>/", views.actor_detail, name="actor"),
    path("topic/<slug:slug>/acteurs/", views.topic_actors, name="topic-actors"),
    path("topic/<slug:slug>/acteurs/fusion/", views.merge_actors, name="merge-actors"),
    path("citations/<int:quote_id>/auteur/", views.fix_speaker, name="fix-speaker"),
    path("citations/<int:quote_id>/ecarter/", views.drop_quote, name="drop-quote"),
    path("posts/<int:post_id>/acteurs/<slug:slug>/ecarter/", views.drop_actor, name="drop-actor"),
    path("posts/<int:post_id>/acteurs/<slug:slug>/separer/", views.split_actor, name="split-actor"),
]
