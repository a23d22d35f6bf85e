"""The curation inbox, and visitors' suggestions (thin: the work is in inbox.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from glaneur import ratelimit
from glaneur.curation.models import Topic
from glaneur.curation.pages import page_number, topic_for
from glaneur.curation.services import DuplicatePost, authenticated, check_can_curate
from glaneur.http import HtmxHttpRequest, safe_next

from . import inbox as actions
from . import queries, ranking
from .inbox_forms import DiscardForm, ScoopForm, SuggestForm
from .models import Candidate, Suggestion


def _curated_topic(request: HtmxHttpRequest, slug: str) -> Topic:
    topic = topic_for(request, slug)
    check_can_curate(request.user, topic)
    return topic


def _candidate(topic: Topic, pk: int) -> Candidate:
    candidate = get_object_or_404(Candidate.objects.select_related("topic"), topic=topic, pk=pk)
    candidate.topic = topic
    return candidate


def _back(request: HtmxHttpRequest, topic: Topic) -> str:
    return safe_next(request, reverse("sources:inbox", args=[topic.slug]))


@login_required
def inbox(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _curated_topic(request, slug)
    engine = ranking.engine_of(topic)
    try:
        source_id = int(request.GET["source"]) if request.GET.get("source") else None
    except ValueError:
        source_id = None
    sort = request.GET.get("sort", engine.sort)
    view = queries.inbox(
        topic,
        source_id=source_id,
        sort="freshness" if sort == "freshness" else "relevance",
        page=page_number(request),
    )
    context = {
        "topic": topic,
        "inbox": view,
        "source_id": source_id,
        "sort": sort,
        "scoop_form": ScoopForm(),
        "discard_form": DiscardForm(),
        "pending": queries.pending_suggestions(topic),
        "sources_url": reverse("sources:sources", args=[topic.slug]),
    }
    return render(request, "sources/inbox.html", context)


@require_POST
@login_required
def scoop(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    topic = _curated_topic(request, slug)
    candidate = _candidate(topic, pk)
    form = ScoopForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(_back(request, topic))
    publish = request.POST.get("action") == "publish"
    try:
        post = actions.scoop(
            candidate,
            by=request.user,
            insight=form.cleaned_data["insight"],
            tags=form.cleaned_data["tags"],
            publish=publish,
        )
    except DuplicatePost as exc:
        messages.info(request, _("This page was already in the topic."))
        return redirect(exc.existing)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request, topic))
    if not publish:
        # The usual review: the post's edit page, while the worker reads the page.
        return redirect(reverse("curation:post-edit", args=[topic.slug, post.pk]))
    if request.htmx:
        return render(request, "sources/inbox.html#decided", {"candidate": candidate, "post": post})
    messages.success(request, _("Scooped: the page is being read in the background."))
    return redirect(_back(request, topic))


@require_POST
@login_required
def discard(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    topic = _curated_topic(request, slug)
    candidate = _candidate(topic, pk)
    form = DiscardForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    actions.discard(candidate, by=request.user, reason=reason)
    if request.htmx:
        return render(request, "sources/inbox.html#decided", {"candidate": candidate})
    messages.success(request, _("Discarded: “%(title)s”.") % {"title": candidate.title})
    return redirect(_back(request, topic))


@require_POST
@login_required
def mark_seen(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _curated_topic(request, slug)
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    count = actions.mark_seen(topic, by=request.user, ids=ids)
    messages.success(request, _("%(count)d suggestions marked as seen.") % {"count": count})
    return redirect(_back(request, topic))


def _rate_limited(request: HtmxHttpRequest) -> bool:
    return not ratelimit.consume(
        "suggest",
        ratelimit.client_address(request),
        limit=settings.GLANEUR_SUGGEST_RATE,
        per=3600,
    )


def suggest(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Any visitor may suggest a page to a public topic (rate-limited, a honeypot field,
    no captcha service)."""
    topic = topic_for(request, slug)
    try:
        actions.check_may_suggest(topic)
    except PermissionDenied as exc:
        if topic.visibility != Topic.Visibility.PUBLIC:
            raise Http404 from exc
        # The topic page offers the link to every public topic; the owner turned it off.
        context = {"topic": topic, "closed": True}
        return render(request, "sources/suggest.html", context, status=403)
    signed_in = request.user.is_authenticated
    form = SuggestForm(request.POST or None, signed_in=signed_in)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            return render(request, "sources/suggest_thanks.html", {"topic": topic})
        if _rate_limited(request):
            form.add_error(None, _("Too many suggestions from your connection; please try later."))
            status = 429
        else:
            try:
                suggestion = actions.suggest(
                    topic,
                    form.cleaned_data["url"],
                    by=request.user,
                    name=form.cleaned_data.get("name", ""),
                    comment=form.cleaned_data["comment"],
                )
            except actions.AlreadyPublished as exc:
                messages.info(request, _("This page is already in the topic."))
                return redirect(exc.post)
            except ValidationError as exc:
                form.add_error("url", " ".join(exc.messages))
            else:
                if signed_in:
                    thanks = _("Thank you: the curators will see your suggestion.")
                    messages.success(request, thanks)
                    return redirect("sources:mine")
                token = actions.status_token(suggestion)
                return render(
                    request,
                    "sources/suggest_thanks.html",
                    {"topic": topic, "status_url": reverse("sources:status", args=[token])},
                )
    return render(request, "sources/suggest.html", {"topic": topic, "form": form}, status=status)


@login_required
def mine(request: HtmxHttpRequest) -> HttpResponse:
    """A signed-in visitor's suggestions and what the curators decided (with their reason)."""
    user = authenticated(request.user)
    return render(request, "sources/mine.html", {"suggestions": queries.suggestions_of(user)})


def status(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A visitor without an account follows their suggestion through a private link."""
    pk = actions.read_status_token(token)
    suggestion = get_object_or_404(Suggestion.objects.select_related("topic"), pk=pk or 0)
    return render(request, "sources/mine.html", {"suggestions": [suggestion], "one": True})
