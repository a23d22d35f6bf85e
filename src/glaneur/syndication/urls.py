"""Feeds keep Scoop.it's scheme: /topic/<slug>/feed.rss, and per tag under /tag/<tag>/;
a topic's embed under /topic/<slug>/embed/, oEmbed at /oembed, sitemaps and robots.txt."""

from django.urls import URLPattern, path

from . import embed_views, sitemaps, views
from .cache import cached_feed
from .feeds import TopicAtomFeed, TopicRssFeed

app_name = "syndication"

rss, atom = cached_feed(TopicRssFeed()), cached_feed(TopicAtomFeed())
json_feed = cached_feed(views.json_feed)

urlpatterns: list[URLPattern] = [
    path("topic/<slug:slug>/feed.rss", rss, name="topic-rss"),
    path("topic/<slug:slug>/feed.atom", atom, name="topic-atom"),
    path("topic/<slug:slug>/feed.json", json_feed, name="topic-json"),
    # Tag slugs may hold accented letters (Tag.slug allows Unicode), hence <str:>.
    path("topic/<slug:slug>/tag/<str:tag_slug>/feed.rss", rss, name="tag-rss"),
    path("topic/<slug:slug>/tag/<str:tag_slug>/feed.atom", atom, name="tag-atom"),
    path("topic/<slug:slug>/tag/<str:tag_slug>/feed.json", json_feed, name="tag-json"),
    path("topic/<slug:slug>/embed/", embed_views.topic_embed, name="topic-embed"),
    path("topic/<slug:slug>/embed/help/", embed_views.embed_help, name="embed-help"),
    path("oembed", embed_views.oembed, name="oembed"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap-home.xml", sitemaps.home_sitemap, name="sitemap-home"),
    path("topic/<slug:slug>/sitemap.xml", sitemaps.topic_sitemap, name="topic-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
