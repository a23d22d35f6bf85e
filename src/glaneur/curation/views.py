"""Curators' pages (forms, drafts, pin, rescoop) and profiles; the topic and post pages
that readers see are composed in glaneur.reading. Rules live in services.py and access.py,
reads in queries.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from glaneur.http import HtmxHttpRequest, safe_next

from . import access, pipeline, queries, services
from .bookmarklet import bookmarklet
from .forms import PostForm, RescoopForm, TopicForm
from .models import Membership, Post, PostStep, Topic
from .pages import post_for as post_for
from .pages import topic_for as topic_for
from .posts import EDITABLE_FIELDS


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
    topic = topic_for(request, slug)
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
    topic = topic_for(request, slug)
    services.check_can_curate(request.user, topic)
    form = PostForm(request.POST or None, can_pin=access.can_pin(request.user, topic))
    if request.method == "POST" and (response := _save_post_form(request, form, topic, None)):
        return response
    return render(request, "curation/post_form.html", {"form": form, "topic": topic})


@login_required
def post_edit(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    """Edit a post; for a fresh scoop this is the review page (image picker, publish)."""
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
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
    failed = post.steps.filter(state=PostStep.State.FAILED).order_by("name")
    context = {"form": form, "topic": topic, "post": post, "failed_steps": list(failed)}
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
    topic = topic_for(request, slug)
    services.check_can_curate(request.user, topic)
    # A contributor sees their own drafts, not the others' (access.py).
    mine = Post.objects.filter(topic=topic).filter(access.visible_posts_in(topic, request.user))
    posts = queries.with_card_data(mine.exclude(status=Post.Status.PUBLISHED)).order_by(
        "-updated_at"
    )[:200]
    # A page that could not be read, or a later step (search index…) that failed.
    in_trouble = Q(state__in=[Post.State.FAILED, Post.State.BLOCKED]) | Q(
        steps__state=PostStep.State.FAILED
    )
    problems = queries.with_failed_steps(
        queries.with_card_data(mine.filter(in_trouble).distinct())
    ).order_by("-updated_at")[:200]
    return render(
        request,
        "curation/drafts.html",
        {"topic": topic, "drafts": list(posts), "problems": list(problems)},
    )


@require_POST
@login_required
def post_retry_step(request: HtmxHttpRequest, slug: str, post_id: int, step: str) -> HttpResponse:
    """Run one step of the pipeline again for this post (the edit page lists failed ones)."""
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    if step not in pipeline.step_names():
        raise Http404
    try:
        pipeline.retry_step(post, step, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(step)s” will run again.") % {"step": pipeline.step_label(step)}
        )
    return redirect(reverse("curation:post-edit", args=[topic.slug, post.pk]))


@login_required
def post_delete(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    services.check_can_edit_post(request.user, post)
    if request.method == "POST":
        services.delete_post(post, by=request.user)
        messages.success(request, _("Post deleted."))
        return redirect(topic)
    return render(request, "curation/post_confirm_delete.html", {"topic": topic, "post": post})


@require_POST
@login_required
def post_pin(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    services.set_pinned(post, request.POST.get("pinned") == "1", by=request.user)
    return HttpResponseRedirect(safe_next(request, topic.get_absolute_url()))


@login_required
def post_rescoop(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
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
