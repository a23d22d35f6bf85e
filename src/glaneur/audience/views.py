"""Follow, comment, the reading list of followed topics, and the unsubscribe link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from glaneur.curation.access import can_view_post, can_view_topic
from glaneur.curation.models import Post, Topic
from glaneur.http import HtmxHttpRequest, safe_next

from . import mail, newsletter_subscriptions, queries, services
from .models import Comment, Subscriber


def _visible_topic(request: HtmxHttpRequest, slug: str) -> Topic:
    topic = get_object_or_404(Topic, slug=slug)
    if not can_view_topic(request.user, topic):
        raise Http404
    return topic


def _unfollow_hidden(request: HtmxHttpRequest, topic: Topic) -> HttpResponse:
    """Unfollowing always works, even a topic that turned private to the follower; for
    anyone who does not follow it, the topic still does not exist."""
    if not services.is_following(request.user, topic):
        raise Http404
    services.unfollow(request.user, topic)
    messages.success(request, _("You no longer follow this topic."))
    # Not back to the topic's page, which no longer opens for them.
    target = reverse("audience:subscriptions")
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    return redirect(target)


@require_POST
def follow_toggle(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    if not can_view_topic(request.user, topic):
        if request.POST.get("action") == "unfollow":
            return _unfollow_hidden(request, topic)
        raise Http404
    if not request.user.is_authenticated:
        login = f"{reverse('account_login')}?{urlencode({'next': topic.get_absolute_url()})}"
        if request.htmx:
            # htmx follows a normal redirect in place; HX-Redirect moves the whole page.
            return HttpResponse(status=204, headers={"HX-Redirect": login})
        return redirect(login)
    if request.POST.get("action") == "unfollow":
        services.unfollow(request.user, topic)
    else:
        services.follow(request.user, topic)
    if request.htmx:
        return render(
            request,
            "audience/follow_button.html",
            {
                "topic": topic,
                "following": services.is_following(request.user, topic),
                "follower_count": topic.follows.count(),
            },
        )
    return redirect(safe_next(request, topic.get_absolute_url()))


@require_POST
def comment_create(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = _visible_topic(request, slug)
    post = get_object_or_404(Post, topic=topic, pk=post_id, status=Post.Status.PUBLISHED)
    post.topic = topic
    if not can_view_post(request.user, post):
        raise Http404
    if not request.user.is_authenticated:
        return redirect(
            f"{reverse('account_login')}?{urlencode({'next': post.get_absolute_url()})}"
        )
    error = ""
    try:
        services.add_comment(post, by=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        post.refresh_from_db(fields=["comment_count"])
        comments = post.comments.select_related("author").filter(hidden=False)
        return render(
            request,
            "audience/comments.html",
            {"post": post, "topic": topic, "comments": list(comments), "comment_error": error},
            status=200 if not error else 422,
        )
    if error:
        messages.error(request, error)
    return redirect(f"{post.get_absolute_url()}#comments")


@require_POST
@login_required
def comment_hide(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post__topic"), pk=comment_id)
    services.set_comment_hidden(comment, request.POST.get("hidden") != "0", by=request.user)
    return redirect(f"{comment.post.get_absolute_url()}#comments")


@login_required
def following(request: HtmxHttpRequest) -> HttpResponse:
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    stream = queries.followed_stream(request.user, page=page)
    context = {"stream": stream, "topics": queries.followed_topics(request.user)}
    if request.htmx:
        return render(request, "audience/following.html#stream-page", context)
    return render(request, "audience/following.html", context)


@csrf_exempt  # mail clients POST here (RFC 8058) without any cookie or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners open links); POST unsubscribes, no log-in needed."""
    parsed = mail.read_unsubscribe_token(token)
    if parsed is None:
        return render(request, "audience/unsubscribe.html", {"invalid": True}, status=400)
    kind, pk = parsed
    subscriber = (
        Subscriber.objects.select_related("topic").filter(pk=pk).first()
        if kind == "newsletter"
        else None
    )
    done = request.method == "POST"
    if done:
        if kind == "digest":
            services.stop_digests(pk)
        else:
            subscriber = newsletter_subscriptions.unsubscribe(pk) or subscriber
    context = {"kind": kind, "subscriber": subscriber, "done": done, "token": token}
    response = render(request, "audience/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
