"""Scooping a web address: the scoop form, the bookmarklet, fetching again, live cards."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from glaneur import ratelimit
from glaneur.http import HtmxHttpRequest
from glaneur.ingest.captures import CaptureStoreFull, store_capture

from . import queries, services
from .forms import ScoopForm
from .models import Post
from .pages import post_for, topic_for


@require_POST
@login_required
def post_refetch(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id)
    try:
        services.refetch(post, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("curation:post-edit", args=[topic.slug, post.pk]))


def post_card(request: HtmxHttpRequest, slug: str, post_id: int) -> HttpResponse:
    """One post card, polled by htmx while its source is being fetched."""
    topic = topic_for(request, slug)
    post = post_for(request, topic, post_id, queries.with_card_data(Post.objects.all()))
    role = services.role_of(request.user, topic)
    return render(
        request,
        "curation/_post_card.html",
        {
            "post": post,
            "topic": topic,
            "can_curate": role in services.CURATOR_ROLES,
            "can_manage": role in services.EDITOR_ROLES,
        },
    )


@login_required
def scoop(request: HtmxHttpRequest) -> HttpResponse:
    """Scoop a web address into one of the user's topics (also the bookmarklet's target)."""
    user = services.authenticated(request.user)
    topics = queries.curated_topics(user)
    initial = {
        "url": request.GET.get("url", ""),
        "title": request.GET.get("title", "")[:500],
        "insight": request.GET.get("selection", "")[:5000],
        "capture": request.GET.get("capture", ""),
        "topic": topics.filter(slug=request.GET.get("topic", "")).first(),
    }
    if initial["insight"]:
        initial["insight"] = "> " + "\n> ".join(str(initial["insight"]).splitlines())
    form = ScoopForm(request.POST or None, initial=initial, topics=topics)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        publish_now = request.POST.get("action") == "publish"
        try:
            post = services.scoop_url(
                data["topic"],
                data["url"],
                by=user,
                insight=data["insight"],
                tags=data["tags"],
                title=data["title"],
                status=Post.Status.PUBLISHED if publish_now else Post.Status.DRAFT,
                capture_token=data["capture"],
            )
        except services.DuplicatePost as exc:
            duplicate = exc.existing
            form.add_error("url", exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if publish_now:
                messages.success(request, _("Scooped: the page is being read in the background."))
                return redirect(post.topic)
            return redirect(reverse("curation:post-edit", args=[post.topic.slug, post.pk]))
    return render(
        request,
        "curation/scoop_form.html",
        {"form": form, "duplicate": duplicate, "has_topics": topics.exists()},
    )


def _capture_refused(request: HtmxHttpRequest, status: int, message: str) -> HttpResponse:
    """The bookmarklet opens our answer in a tab of its own: a page that says why."""
    return render(request, "curation/capture_refused.html", {"message": message}, status=status)


@csrf_exempt
@require_POST
def scoop_capture(request: HtmxHttpRequest) -> HttpResponse:
    """The bookmarklet posts the page as the browser sees it, from the page's own site.

    It arrives without session cookies (SameSite), so nothing is created here: the copy is
    stored under a token and the curator confirms on the CSRF-protected scoop form.
    """
    try:
        data = request.POST
    except RequestDataTooBig:
        return _capture_refused(request, 413, _("This page is too large to be copied."))
    try:
        url = services.clean_source_url(data.get("url", ""))
    except ValidationError:
        return HttpResponseBadRequest(_("The bookmarklet sent no usable web address."))
    # Anyone may post here: the copies a connection may leave are limited in number and in
    # bytes (counted in the shared cache, for every web process), and so is their total.
    address = ratelimit.client_address(request)
    html = data.get("html", "")
    if not ratelimit.consume(
        "capture", address, limit=settings.GLANEUR_CAPTURE_RATE, per=3600
    ) or not ratelimit.consume(
        "capture-bytes",
        address,
        limit=settings.GLANEUR_CAPTURE_ADDRESS_MAX_BYTES,
        per=3600,
        amount=len(html.encode()),
    ):
        return _capture_refused(
            request,
            429,
            _(
                "Too many page copies from your connection in the last hour. Try again later, "
                "or scoop the address with the form: Glaneur then reads the page itself."
            ),
        )
    try:
        token = store_capture(
            url=url,
            title=data.get("title", ""),
            selection=data.get("selection", ""),
            html=html,
        )
    except CaptureStoreFull:
        return _capture_refused(
            request,
            413,
            _(
                "Glaneur holds too many page copies waiting to be scooped. Try again later, "
                "or scoop the address with the form: Glaneur then reads the page itself."
            ),
        )
    query = urlencode(
        {
            "url": url,
            "title": data.get("title", "")[:500],
            "selection": data.get("selection", "")[:2000],
            "capture": token,
        }
    )
    return HttpResponseRedirect(f"{reverse('curation:scoop')}?{query}", status=303)
