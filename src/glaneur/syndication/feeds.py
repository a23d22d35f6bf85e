"""RSS 2.0 and Atom feeds of a topic (or of one of its tags), on django.contrib.syndication."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from .queries import FeedEntry, TopicFeed, topic_feed


class TopicRssFeed(Feed):  # type: ignore[type-arg]
    """The latest published posts of a topic; every URL is absolute, built from the request."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    feed_format = "rss"

    def get_object(self, request: HttpRequest, slug: str, tag_slug: str | None = None) -> TopicFeed:
        # Topic.DoesNotExist and Tag.DoesNotExist become a 404 in Feed.__call__.
        return topic_feed(slug, tag_slug, absolutise=request.build_absolute_uri)

    def get_feed(self, obj: TopicFeed, request: HttpRequest) -> SyndicationFeed:
        # Feed takes its language from the active one: make it the topic's.
        with translation.override(obj.language):
            return super().get_feed(obj, request)

    def title(self, obj: TopicFeed) -> str:
        return obj.title

    def link(self, obj: TopicFeed) -> str:
        return obj.home_url

    def feed_url(self, obj: TopicFeed) -> str:
        return obj.feed_urls[self.feed_format]

    def description(self, obj: TopicFeed) -> str:
        return obj.description

    def subtitle(self, obj: TopicFeed) -> str:
        return obj.description

    def author_name(self, obj: TopicFeed) -> str:
        return obj.author_name

    def items(self, obj: TopicFeed) -> list[FeedEntry]:
        return obj.entries

    def item_title(self, item: FeedEntry) -> str:
        # Plain text: Django's default escapes titles a second time, which Atom shows raw.
        return item.title

    def item_description(self, item: FeedEntry) -> str:
        return item.content_html

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_guid(self, item: FeedEntry) -> str:
        return item.guid

    item_guid_is_permalink = True

    def item_author_name(self, item: FeedEntry) -> str | None:
        return item.author_name or None

    def item_pubdate(self, item: FeedEntry) -> datetime:
        return item.published

    def item_updateddate(self, item: FeedEntry) -> datetime:
        return item.updated

    def item_categories(self, item: FeedEntry) -> list[str]:
        return item.categories


class TopicAtomFeed(TopicRssFeed):
    feed_type = Atom1Feed
    feed_format = "atom"
