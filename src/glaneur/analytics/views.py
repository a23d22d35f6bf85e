"""The stats page: who may see it is decided in curation.services, figures in queries."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from glaneur.curation.models import Topic
from glaneur.curation.services import can_view

from .charts import bar_chart
from .queries import topic_stats

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
