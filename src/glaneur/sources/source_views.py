"""The sources page of a topic (curators): its sources and their state, add, remove, poll
now, OPML import and export, the engine's settings. Thin: the work is in services.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from glaneur.audience.services import RateLimited
from glaneur.curation import access
from glaneur.curation.models import Topic
from glaneur.curation.pages import topic_for
from glaneur.http import HtmxHttpRequest

from . import services
from .forms import AUTO, AddSourceForm, EngineForm, ImportForm
from .models import Source


def _curated_topic(request: HtmxHttpRequest, slug: str) -> Topic:
    """The topic, for its curators: 404 for who may not see it, 403 for other people."""
    topic = topic_for(request, slug)
    services.check_can_change_sources(request.user, topic)
    return topic


def _page_url(topic: Topic) -> str:
    return reverse("sources:sources", args=[topic.slug])


def _engine_form(request: HtmxHttpRequest, topic: Topic, data: Any = None) -> EngineForm:
    return EngineForm(
        data,
        engine=services.engine_settings(topic),
        may_manage=access.can_manage(request.user, topic),
    )


def _render(
    request: HtmxHttpRequest, topic: Topic, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "topic": topic,
        "sources": Source.objects.filter(topic=topic).order_by("kind", "title", "url", "query"),
        "add_form": forms.get("add_form") or AddSourceForm(),
        "import_form": forms.get("import_form") or ImportForm(),
        "engine_form": forms.get("engine_form") or _engine_form(request, topic),
        "inbox_url": reverse("sources:inbox", args=[topic.slug]),
    }
    return render(request, "sources/sources.html", context, status=status)


@login_required
def sources(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _render(request, _curated_topic(request, slug))


@require_POST
@login_required
def add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _curated_topic(request, slug)
    form = AddSourceForm(request.POST)
    if form.is_valid():
        try:
            source = services.add_source(
                topic,
                request.user,
                form.cleaned_data["address"],
                kind=None if form.cleaned_data["kind"] == AUTO else form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error("address", " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(source)s” added: it will be polled within a few minutes.")
                % {"source": source},
            )
            return redirect(_page_url(topic))
    return _render(request, topic, add_form=form, status=400)


@require_POST
@login_required
def remove(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    topic = _curated_topic(request, slug)
    source = get_object_or_404(Source, topic=topic, pk=pk)
    source.topic = topic
    services.remove_source(source, request.user)
    messages.success(request, _("“%(source)s” removed.") % {"source": source})
    return redirect(_page_url(topic))


@require_POST
@login_required
def poll(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Poll now: one source (``source``) or all the topic's."""
    topic = _curated_topic(request, slug)
    wanted = request.POST.get("source", "")
    ids = [int(wanted)] if wanted.isdigit() else None
    try:
        asked = services.poll_now(topic, request.user, ids)
    except RateLimited as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_page_url(topic))
    if asked:
        messages.success(
            request,
            ngettext(
                "Polling %(count)d source now: reload the page in a minute.",
                "Polling %(count)d sources now: reload the page in a minute.",
                len(asked),
            )
            % {"count": len(asked)},
        )
    else:
        messages.info(request, _("No feed or page to poll."))
    return redirect(_page_url(topic))


@require_POST
@login_required
def import_opml(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _curated_topic(request, slug)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.import_opml(topic, request.user, form.cleaned_data["file"])
        except services.ImportFailed as exc:
            form.add_error(
                "file", _("Nothing was imported. %(error)s") % {"error": exc.messages[0]}
            )
        else:
            messages.success(
                request,
                _("%(added)d source(s) added, %(skipped)d already watched.")
                % {"added": len(report.added), "skipped": len(report.skipped)},
            )
            return redirect(_page_url(topic))
    return _render(request, topic, import_form=form, status=400)


@login_required
def export_opml(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _curated_topic(request, slug)
    response = HttpResponse(services.export_opml(topic), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{topic.slug}-sources.opml"'
    return response


@require_POST
@login_required
def engine(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _curated_topic(request, slug)
    form = _engine_form(request, topic, request.POST)
    if form.is_valid():
        try:
            services.update_engine_settings(topic, request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Engine settings saved."))
            return redirect(_page_url(topic))
    return _render(request, topic, engine_form=form, status=400)
