"""The pages readers see: a topic's stream and a post. They are composed from several
apps (curation's posts, analytics' view counts, audience's follows and comments), so they
live above them all: curation imports none of those apps."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import get_language

from glaneur.analytics.services import post_view_count, record_view, topic_view_counts
from glaneur.audience.queries import follow_state
from glaneur.cache import fragment_cache
from glaneur.curation import queries, services
from glaneur.curation.models import Post, Topic
from glaneur.curation.pages import page_number, post_for, rescoop_topics, topic_for
from glaneur.federation.views import negotiated
from glaneur.http import HtmxHttpRequest
from glaneur.reading.home import home_languages, home_topics
from glaneur.territories.queries import Lieu, lieu_name, parse_lieu, places_stamp, post_ids_in

from .cards import Reader, cards_html, fill
from .related import related_posts
from .shell import Own, fill_shell, shell_html, shell_key


def home(request: HtmxHttpRequest) -> HttpResponse:
    """The listed topics as cards, most active first; ``?lang=`` keeps one language."""
    languages = home_languages()
    language = request.GET.get("lang", "")
    if language not in languages:
        language = ""
    names = dict(settings.LANGUAGES)
    return render(
        request,
        "curation/home.html",
        {
            "cards": home_topics(language),
            "language": language,
            "languages": [(code, names.get(code, code)) for code in languages],
        },
    )


def empty_stream_context(
    topic: Topic,
    tag_slugs: list[str],
    place: list[tuple[str, str]],
    page: int,
    within: QuerySet[Any, Any] | None,
) -> dict[str, Any]:
    """What an empty stream says: the last page for a page past the end, the topic's tags
    for a tag it has no post with. A few queries, only when the page is empty."""
    if page > 1:
        posts = queries.filter_by_tags(queries.published_posts(topic), tag_slugs)
        count = (posts.filter(pk__in=within) if within is not None else posts).count()
        last = math.ceil(count / settings.GLANEUR_POSTS_PER_PAGE)
        query = urlencode([("tag", t) for t in tag_slugs] + place + [("page", last)])
        return {"last_page": last, "last_page_query": query}
    if not tag_slugs:
        return {}
    topic_tags = queries.popular_tags(topic, limit=1000)
    used = {tag.slug for tag in topic_tags}
    unknown = [slug for slug in tag_slugs if slug not in used]
    return {"unknown_tags": unknown, "topic_tags": topic_tags[:20]} if unknown else {}


def topic_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    if (activity := negotiated(request, slug)) is not None:
        return activity  # ActivityPub: the topic's actor
    topic = topic_for(request, slug)
    tag_slugs = list(dict.fromkeys(request.GET.getlist("tag")))[:5]
    lieu = parse_lieu(request.GET.get("lieu", ""))  # a place: ?lieu=86194, 79 or r75
    place = [("lieu", lieu.param)] if lieu else []
    page = page_number(request)
    next_query = urlencode([("tag", t) for t in tag_slugs] + place + [("page", page + 1)])
    role = services.role_of(request.user, topic)
    anonymous = not request.user.is_authenticated
    reader = Reader(
        can_curate=role in services.CURATOR_ROLES,
        can_manage=role in services.EDITOR_ROLES,
        rescoop_topics=[] if anonymous else rescoop_topics(request, topic),
    )
    context: dict[str, Any] = {
        "topic": topic,
        "next_query": next_query,
        "active_tag_slugs": tag_slugs,
        "lieu_param": lieu.param if lieu else "",
        "role": role,
        "can_curate": reader.can_curate,
        "can_manage": reader.can_manage,
        "rescoop_topics": reader.rescoop_topics,
    }
    # Most readers are anonymous and see the same stream: its HTML and the tag counts are
    # cached under the topic's content stamp, so any change shows at once.
    stamp = queries.topic_stamp(topic)
    if lieu:  # places are found after the post is saved: their own stamp
        stamp += f":{lieu.param}@{places_stamp(queries.published_posts(topic))}"
    stream_key = f"stream:{topic.pk}:{stamp}:{get_language()}:{','.join(tag_slugs)}:{page}"
    if not anonymous:
        # Signed-in readers of one kind (role, rescoop menu or not) share the stream's HTML,
        # made of cards shared the same way; their own values are filled in afterwards.
        stream_key += f":{reader.kind}"
    stream_html = fragment_cache.get(stream_key)
    shareable = True  # a cached stream is one shared by this kind of reader
    if stream_html is None:
        within = post_ids_in(lieu) if lieu else None
        context["stream"] = stream = queries.topic_stream(
            topic, tags=tag_slugs, page=page, within=within
        )
        if not stream.posts:
            context.update(empty_stream_context(topic, tag_slugs, place, page, within))
        elif not anonymous:
            made = cards_html(request, stream.posts, stamp=stamp, reader=reader)
            context["cards_html"], shareable = made.html, made.shareable
        stream_html = render_to_string(
            "curation/topic_detail.html#stream-page", context, request=request
        )
        if shareable:
            fragment_cache.set(stream_key, stream_html, 3600)
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(fill(stream_html, request, reader) if not anonymous else stream_html)
    record_view(request, topic)
    total, today = topic_view_counts(topic)
    following, follower_count = follow_state(request.user, topic)
    own = Own(
        slug=topic.slug,
        views_total=total,
        views_today=today,
        # Two owner accounts may bear one name (an imported owner and its person): once each.
        curators=tuple(dict.fromkeys(queries.curators(topic))),
        following=following,
        follower_count=follower_count,
    )
    key = shell_key(request, stream_key=stream_key) if shareable else None
    if key is not None:
        # The whole page, shared by this kind of reader; their own values filled in.
        shell = fragment_cache.get(key)
        if shell is None:
            context.update(stream_html=stream_html)
            context.update(page_context(request, topic, stamp, tag_slugs, place, lieu))
            shell = shell_html(request, context)
            fragment_cache.set(key, shell, 3600)
        return HttpResponse(fill_shell(shell, request, reader, own))
    context.update(vars(own), topic=topic)
    context.update(stream_html=stream_html if anonymous else fill(stream_html, request, reader))
    context.update(page_context(request, topic, stamp, tag_slugs, place, lieu))
    return render(request, "curation/topic_detail.html", context)


def page_context(
    request: HtmxHttpRequest,
    topic: Topic,
    stamp: str,
    tag_slugs: list[str],
    place: list[tuple[str, str]],
    lieu: Lieu | None,
) -> dict[str, Any]:
    """What the topic page shows around the stream, the same for all its readers: the tag
    chips (each toggles its tag in the current filter), the filters in force."""
    tags_key = f"popular-tags:{topic.pk}:{stamp}"
    popular = fragment_cache.get(tags_key)
    if popular is None:
        popular = queries.popular_tags(topic)
        fragment_cache.set(tags_key, popular, 3600)
    links = []
    for tag in popular:
        active = tag.slug in tag_slugs
        toggled = [t for t in tag_slugs if t != tag.slug] if active else [*tag_slugs, tag.slug]
        links.append((tag, active, urlencode([("tag", t) for t in toggled] + place)))
    raw_page = request.GET.get("page", "")
    return {
        "page_not_a_number": raw_page if raw_page and not raw_page.isdigit() else "",
        "popular_tags": links,
        "active_tags": queries.tags_by_slug(tag_slugs),
        "lieu": lieu,
        "lieu_name": lieu_name(lieu) if lieu else "",
    }


def _related(request: HtmxHttpRequest, post: Post, topic: Topic) -> list[Post]:
    """A post's related posts; for anonymous readers (the same for all) cached ten minutes
    under the topic's content stamp, since the post page is the hot path after the topic's."""
    if request.user.is_authenticated:
        return related_posts(post, request.user)
    key = f"related:{post.pk}:{queries.topic_stamp(topic)}"
    related = fragment_cache.get(key)
    if related is None:
        related = related_posts(post, None)
        fragment_cache.set(key, related, 600)
    return list(related)


def post_detail(request: HtmxHttpRequest, slug: str, post_id: int, post_slug: str) -> HttpResponse:
    if (activity := negotiated(request, slug, post_id)) is not None:
        return activity  # ActivityPub: the post as a Note
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id, queries.with_card_data(Post.objects.all()))
    role = services.role_of(request.user, topic)
    if post_slug != (post.slug or "-"):
        return redirect(post, permanent=True)
    record_view(request, topic, post)
    page_url = request.build_absolute_uri(post.get_absolute_url())
    ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": post.title[:110],
        "url": post.url or page_url,
        "mainEntityOfPage": page_url,
        "datePublished": (post.source_published_at or post.curated_at).isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "description": post.summary[:300],
        "keywords": [tag.name for tag in post.tags.all()],
        "author": {"@type": "Person", "name": post.author} if post.author else None,
        "publisher": {"@type": "Organization", "name": post.site_name} if post.site_name else None,
        "image": post.image_url or None,
    }
    comments = post.comments.select_related("author")
    if role not in services.EDITOR_ROLES:
        comments = comments.filter(hidden=False)
    return render(
        request,
        "curation/post_detail.html",
        {
            "topic": topic,
            "post": post,
            "comments": list(comments),
            "views": post_view_count(post),
            "ld": {key: value for key, value in ld.items() if value},
            "role": role,
            "can_manage": role in services.EDITOR_ROLES,
            "can_edit": services.can_edit_post(request.user, post),
            "rescoop_topics": rescoop_topics(request, topic),
            "related": _related(request, post, topic),
        },
    )
