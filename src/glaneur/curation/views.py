"""Topic, post and curator pages; rules live in services.py, reads in queries.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from glaneur.analytics.services import post_view_count, record_view, topic_view_counts
from glaneur.audience.services import is_following
from glaneur.cache import fragment_cache
from glaneur.http import HtmxHttpRequest, safe_next

from . import access, queries, services
from .bookmarklet import bookmarklet
from .forms import PostForm, RescoopForm, TopicForm
from .models import Membership, Post, Topic
from .posts import EDITABLE_FIELDS


def _topic_for(request: HtmxHttpRequest, slug: str) -> Topic:
    """The topic, or 404 when it does not exist or the user may not see it (access.py)."""
    topic = get_object_or_404(Topic.objects.select_related("owner"), slug=slug)
    if not access.can_view_topic(request.user, topic):
        raise Http404
    return topic


def _post_for(
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


def _page_number(request: HtmxHttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "curation/home.html", {"topics": queries.listed_topics()[:100]})


def topic_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    tag_slugs = list(dict.fromkeys(request.GET.getlist("tag")))[:5]
    page = _page_number(request)
    next_query = urlencode([("tag", t) for t in tag_slugs] + [("page", page + 1)])
    context: dict[str, Any] = {"topic": topic, "next_query": next_query}
    # Most readers are anonymous and see the same stream: its HTML and the tag counts are
    # cached under the topic's content stamp, so any change shows at once.
    stamp = queries.topic_stamp(topic)
    anonymous = not request.user.is_authenticated
    stream_key = f"stream:{topic.pk}:{stamp}:{get_language()}:{','.join(tag_slugs)}:{page}"
    stream_html = fragment_cache.get(stream_key) if anonymous else None
    if stream_html is None:
        context["stream"] = queries.topic_stream(topic, tags=tag_slugs, page=page)
        if anonymous:
            stream_html = render_to_string(
                "curation/topic_detail.html#stream-page", context, request=request
            )
            fragment_cache.set(stream_key, stream_html, 3600)
    context["stream_html"] = stream_html
    if request.htmx and not request.htmx.boosted:
        if stream_html is not None:
            return HttpResponse(stream_html)
        return render(request, "curation/topic_detail.html#stream-page", context)
    record_view(request, topic)
    total, today = topic_view_counts(topic)
    role = services.role_of(request.user, topic)
    tags_key = f"popular-tags:{topic.pk}:{stamp}"
    popular = fragment_cache.get(tags_key)
    if popular is None:
        popular = queries.popular_tags(topic)
        fragment_cache.set(tags_key, popular, 3600)
    links = []
    for tag in popular:
        # Each chip toggles its tag in the current filter, so several tags combine.
        active = tag.slug in tag_slugs
        toggled = [t for t in tag_slugs if t != tag.slug] if active else [*tag_slugs, tag.slug]
        links.append((tag, active, urlencode([("tag", t) for t in toggled])))
    context.update(
        views_total=total,
        views_today=today,
        popular_tags=links,
        active_tags=queries.tags_by_slug(tag_slugs),
        curators=queries.curators(topic),
        following=is_following(request.user, topic),
        follower_count=topic.follows.count(),
        role=role,
        can_curate=role in services.CURATOR_ROLES,
        can_manage=role in services.EDITOR_ROLES,
        rescoop_topics=_rescoop_topics(request, topic),
    )
    return render(request, "curation/topic_detail.html", context)


def _rescoop_topics(request: HtmxHttpRequest, exclude: Topic | None = None) -> list[Topic]:
    return list(queries.curated_topics(request.user, exclude=exclude))


def post_detail(request: HtmxHttpRequest, slug: str, post_id: int, post_slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    post = _post_for(request, topic, post_id, queries.with_card_data(Post.objects.all()))
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
            "rescoop_topics": _rescoop_topics(request, topic),
        },
    )


@login_required
def topic_create(request: HtmxHttpRequest) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topic = services.create_topic(owner=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Topic created."))
        return redirect(topic)
    return render(request, "curation/topic_form.html", {"form": form})


@login_required
def topic_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    services.check_can_manage(request.user, topic)
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        services.update_topic(topic, by=request.user, **form.cleaned_data)
        messages.success(request, _("Topic saved."))
        return redirect(topic)
    return render(request, "curation/topic_form.html", {"form": form, "topic": topic})


def _save_post_form(
    request: HtmxHttpRequest, form: PostForm, topic: Topic, post: Post | None
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    # "pinned" is in the form only for who may pin (create_post / update_post ignore it else).
    data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.fields}
    try:
        if post is None:
            post = services.create_post(
                topic,
                by=services.authenticated(request.user),
                tags=form.cleaned_data["tags"],
                **data,
            )
            messages.success(request, _("Post published."))
        else:
            edited = form.edited()
            post = services.update_post(
                post,
                by=request.user,
                tags=form.cleaned_data["tags"] if "tags" in edited else None,
                **{name: value for name, value in data.items() if name in edited},
            )
            messages.success(request, _("Post saved."))
    except services.DuplicatePost as exc:
        form.add_error("url", exc.messages[0])
        form.duplicate = exc.existing  # type: ignore[attr-defined]
        return None
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return redirect(post)


@login_required
def post_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    services.check_can_curate(request.user, topic)
    form = PostForm(request.POST or None, can_pin=access.can_pin(request.user, topic))
    if request.method == "POST" and (response := _save_post_form(request, form, topic, None)):
        return response
    return render(request, "curation/post_form.html", {"form": form, "topic": topic})


@login_required
def post_edit(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    """Edit a post; for a fresh scoop this is the review page (image picker, publish)."""
    topic = _topic_for(request, slug)
    post = _post_for(request, topic, post_id)
    services.check_can_edit_post(request.user, post)
    form = PostForm(
        request.POST or None, instance=post, can_pin=access.can_pin(request.user, topic)
    )
    if request.method == "POST":
        # The form must not write to the instance: update_post does, after its checks.
        form.instance = Post.objects.get(pk=post.pk)
        if response := _save_post_form(request, form, topic, post):
            _apply_publication(request, post, form)
            return response
    context = {"form": form, "topic": topic, "post": post}
    if request.htmx and request.method == "GET":
        return render(request, "curation/post_form.html#editor", context)
    return render(request, "curation/post_form.html", context)


def _apply_publication(request: HtmxHttpRequest, post: Post, form: PostForm) -> None:
    action = request.POST.get("action", "save")
    if action == "publish":
        services.publish(post, by=request.user, at=form.cleaned_data.get("publish_at"))
    elif action == "unpublish":
        services.unpublish(post, by=request.user)


@login_required
def topic_drafts(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    services.check_can_curate(request.user, topic)
    # A contributor sees their own drafts, not the others' (access.py).
    mine = Post.objects.filter(topic=topic).filter(access.visible_posts_in(topic, request.user))
    posts = queries.with_card_data(mine.exclude(status=Post.Status.PUBLISHED)).order_by(
        "-updated_at"
    )[:200]
    problems = queries.with_card_data(
        mine.filter(state__in=[Post.State.FAILED, Post.State.BLOCKED])
    ).order_by("-updated_at")[:200]
    return render(
        request,
        "curation/drafts.html",
        {"topic": topic, "drafts": list(posts), "problems": list(problems)},
    )


@login_required
def post_delete(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = _topic_for(request, slug)
    post = _post_for(request, topic, post_id)
    services.check_can_edit_post(request.user, post)
    if request.method == "POST":
        services.delete_post(post, by=request.user)
        messages.success(request, _("Post deleted."))
        return redirect(topic)
    return render(request, "curation/post_confirm_delete.html", {"topic": topic, "post": post})


@require_POST
@login_required
def post_pin(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = _topic_for(request, slug)
    post = _post_for(request, topic, post_id)
    services.set_pinned(post, request.POST.get("pinned") == "1", by=request.user)
    return HttpResponseRedirect(safe_next(request, topic.get_absolute_url()))


@login_required
def post_rescoop(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = _topic_for(request, slug)
    post = _post_for(request, topic, post_id)
    topics = queries.curated_topics(services.authenticated(request.user), exclude=topic)
    form = RescoopForm(request.POST or None, topics=topics)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.rescoop(
                post,
                form.cleaned_data["topic"],
                by=services.authenticated(request.user),
                insight=form.cleaned_data["insight"],
            )
        except services.DuplicatePost as exc:
            messages.info(request, _("This page is already in that topic."))
            return redirect(exc.existing)
        messages.success(request, _("Rescooped."))
        return redirect(copy)
    if not topics.exists():
        messages.info(request, _("Create a topic of your own first, then rescoop into it."))
    return render(
        request, "curation/rescoop_form.html", {"form": form, "topic": topic, "post": post}
    )


def profile(request: HtmxHttpRequest, username: str) -> HttpResponse:
    user = get_object_or_404(get_user_model(), username=username, is_active=True)
    own = request.user.is_authenticated and request.user.pk == user.pk
    # Someone's page shows what the visitor would find listed anyway (access.py).
    listed = access.listed_topics(request.user, prefix="topic__")
    memberships = Membership.objects.filter(user=user).select_related("topic")
    if not own:
        memberships = memberships.filter(listed)
    recent = queries.with_card_data(
        Post.objects.filter(curated_by=user, status=Post.Status.PUBLISHED)
        .filter(listed)
        .select_related("topic")
    )[:20]
    return render(
        request,
        "curation/profile.html",
        {
            "profile_user": user,
            "display_name": queries.display_name(user),
            "memberships": list(memberships.order_by("topic__title")),
            "recent_posts": list(recent),
            "own": own,
            "bookmarklet": bookmarklet(
                request.build_absolute_uri(reverse("curation:scoop-capture"))
            )
            if own
            else "",
        },
    )
