"""The topic's import/export page, downloads, uploads and the job progress fragment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from glaneur.curation import services as curation
from glaneur.curation.models import Topic
from glaneur.http import HtmxHttpRequest

from . import jobs, services
from .errors import ImportFailed
from .exporters import ExportFormat
from .forms import ImportForm
from .models import ImportJob

RECENT_JOBS = 10


def _topic_for(request: HtmxHttpRequest, slug: str) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("owner"), slug=slug)
    if not curation.can_view(request.user, topic):
        raise Http404
    return topic


def _page(
    request: HtmxHttpRequest, topic: Topic, form: ImportForm, *, status: int = 200
) -> HttpResponse:
    can_manage = curation.role_of(request.user, topic) in curation.EDITOR_ROLES
    recent = topic.import_jobs.select_related("created_by")[:RECENT_JOBS] if can_manage else []
    return render(
        request,
        "transfer/topic_transfer.html",
        {
            "topic": topic,
            "can_manage": can_manage,
            "form": form,
            "jobs": recent,
            "formats": list(ExportFormat),
        },
        status=status,
    )


def topic_transfer(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Exports for whoever may see the topic; imports for its owner and editors."""
    topic = _topic_for(request, slug)
    return _page(request, topic, ImportForm())


def topic_export(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    if fmt not in {f.value for f in ExportFormat}:
        raise Http404
    export = services.export_for(request.user, topic, fmt, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def topic_import(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _topic_for(request, slug)
    curation.check_can_manage(request.user, topic)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, topic, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        job = jobs.start_import(
            topic,
            upload.read(),
            by=request.user,
            filename=upload.name or "",
            fmt=form.cleaned_data["format"],
        )
    except ImportFailed as exc:
        form.add_error("file", exc.reason)
        return _page(request, topic, form, status=400)
    if request.htmx:
        return render(request, "transfer/_job.html", {"topic": topic, "job": job})
    return redirect("transfer:topic", slug=topic.slug)


def import_job(request: HtmxHttpRequest, slug: str, job_id: int) -> HttpResponse:
    """The job's progress: the fragment the page polls every second while it runs."""
    topic = _topic_for(request, slug)
    if not request.user.is_authenticated:
        raise PermissionDenied
    curation.check_can_manage(request.user, topic)
    job = get_object_or_404(ImportJob, pk=job_id, topic=topic)
    return render(request, "transfer/_job.html", {"topic": topic, "job": job})
