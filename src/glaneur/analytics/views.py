"""The stats page (who may see it is decided in curation, figures in queries) and the
beacon that counts clicks on a post's source link."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from glaneur.curation import access
from glaneur.curation.models import Post, Topic
from glaneur.curation.services import can_view

from .charts import bar_chart
from .queries import topic_stats
from .services import record_click

DAYS = 30


@require_safe
def topic_stats_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    # 404 rather than 403, as the topic page does: a private topic's slug stays secret.
    if not can_view(request.user, topic):
        raise Http404
    stats = topic_stats(topic, days=DAYS)
    return render(
        request,
        "analytics/topic_stats.html",
        {"topic": topic, "stats": stats, "chart": bar_chart(stats.series), "days": DAYS},
    )


# A browser's <a ping> POSTs "PING" with no CSRF token: nothing to protect, as the request
# only counts a click anyone may make. No redirect, no cookie; 204 whether counted or not.
@csrf_exempt
@require_POST
def click(request: HttpRequest, post_id: int) -> HttpResponse:
    post = (
        Post.objects.filter(pk=post_id, status=Post.Status.PUBLISHED)
        .filter(access.visible_posts(request.user))
        .only("pk")
        .first()
    )
    if post is None:
        raise Http404
    record_click(request, post)
    return HttpResponse(status=204)
