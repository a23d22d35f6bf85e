"""What every page about a topic or a post starts from: the topic or post the user may
see (404 otherwise, by access.py), the page number, the topics to rescoop into."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from glaneur.http import HtmxHttpRequest

from . import access, queries
from .models import Post, Topic


def topic_for(request: HtmxHttpRequest, slug: str) -> Topic:
    """The topic, or 404 when it does not exist or the user may not see it (access.py)."""
    topic = queries.topic_by_slug(slug)
    if topic is None or not access.can_view_topic(request.user, topic):
        raise Http404
    return topic


def post_for(
    request: HtmxHttpRequest, topic: Topic, post_id: int, rows: QuerySet[Post] | None = None
) -> Post:
    """A post of the topic, or 404 when there is none or the user may not see it: someone
    else's draft does not exist for them, whatever they meant to do with it (access.py)."""
    rows = Post.objects.all() if rows is None else rows
    post = rows.filter(topic=topic, pk=post_id).first()
    if post is None:
        raise Http404
    post.topic = topic
    if not access.can_view_post(request.user, post):
        raise Http404
    return post


def page_number(request: HtmxHttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def rescoop_topics(request: HtmxHttpRequest, exclude: Topic | None = None) -> list[Topic]:
    """The user's topics a post may be rescooped into (their ids and titles)."""
    return queries.curated_topic_choices(request.user, exclude=exclude)
