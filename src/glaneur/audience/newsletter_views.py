"""Topic newsletter pages: subscribe (on the topic page and embedded elsewhere), confirm,
the public archive, and the curators' recipients, import/export and composer."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from glaneur import ratelimit
from glaneur.curation.models import Post, Topic
from glaneur.curation.services import authenticated, check_can_manage
from glaneur.http import HtmxHttpRequest

from . import mail, newsletter_issues, newsletter_subscriptions, queries
from .forms import ComposeForm, ImportForm, SubscribeForm
from .models import Issue, Subscriber
from .views import _visible_topic


def _page(request: HtmxHttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _rate_limited(request: HtmxHttpRequest) -> bool:
    # Counted in the shared cache: one count for every web process.
    return not ratelimit.consume(
        "subscribe",
        ratelimit.client_address(request),
        limit=settings.GLANEUR_SUBSCRIBE_RATE,
        per=3600,
    )


def _subscribe(
    request: HtmxHttpRequest, topic: Topic, form: SubscribeForm, source: str
) -> tuple[str, int]:
    """Runs the subscription; returns an error to show (or an empty string) and the status
    of the answer."""
    if not form.is_valid():
        return " ".join(str(e) for errors in form.errors.values() for e in errors), 200
    if _rate_limited(request):
        return _("Too many requests from your connection; please try again later."), 429
    try:
        newsletter_subscriptions.subscribe(
            topic,
            form.cleaned_data["email"],
            language=mail.supported_language(translation.get_language()),
            source=source,
            absolute=request.build_absolute_uri,
        )
    except ValidationError as exc:
        return " ".join(exc.messages), 200
    return "", 200


@require_POST
def subscribe(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _visible_topic(request, slug)
    error, _status = _subscribe(request, topic, SubscribeForm(request.POST), Subscriber.Source.FORM)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("Almost done: we have sent you an e-mail. Follow its link to confirm."),
        )
    return redirect(f"{topic.get_absolute_url()}#newsletter")


@csrf_exempt  # it lives in other sites' pages, where browsers do not send our cookies
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]
@require_http_methods(["GET", "POST"])
def embed(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The subscribe form alone, for an <iframe> on another site (``?lang=en`` for
    English); double opt-in makes a forged request harmless."""
    topic = _visible_topic(request, slug)
    language = mail.supported_language(request.GET.get("lang") or translation.get_language())
    with translation.override(language):
        form = SubscribeForm(request.POST or None)
        error, status, done = "", 200, False
        if request.method == "POST":
            error, status = _subscribe(request, topic, form, Subscriber.Source.EMBED)
            done = not error
        return render(
            request,
            "audience/newsletter/embed.html",
            {"topic": topic, "form": form, "error": error, "done": done, "lang": language},
            status=status,
        )


@require_http_methods(["GET", "POST"])
def confirm(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    """The link of the confirmation mail: GET asks (mail scanners open links), POST
    confirms."""
    topic = _visible_topic(request, slug)
    parsed = mail.read_confirm_token(token)
    subscriber = None
    if parsed is not None:
        subscriber = Subscriber.objects.filter(pk=parsed[0], email=parsed[1], topic=topic).first()
    if subscriber is None:
        return render(request, "audience/newsletter/confirm.html", {"topic": topic}, status=400)
    if request.method == "POST":
        subscriber = newsletter_subscriptions.confirm(token) or subscriber
    return render(
        request,
        "audience/newsletter/confirm.html",
        {"topic": topic, "subscriber": subscriber, "token": token},
    )


def archive(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _visible_topic(request, slug)
    page = queries.sent_issues_page(topic, page=_page(request))
    return render(request, "audience/newsletter/archive.html", {"topic": topic, "page": page})


def issue(request: HtmxHttpRequest, slug: str, issue_id: int) -> HttpResponse:
    topic = _visible_topic(request, slug)
    found = get_object_or_404(Issue, topic=topic, pk=issue_id, status=Issue.Status.SENT)
    return render(
        request,
        "audience/newsletter/issue.html",
        {"topic": topic, "issue": found, "items": list(found.items.all())},
    )


def _managed_topic(request: HtmxHttpRequest, slug: str) -> Topic:
    topic = _visible_topic(request, slug)
    check_can_manage(request.user, topic)
    return topic


@login_required
def manage(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _managed_topic(request, slug)
    return _render_manage(request, topic, ImportForm())


def _render_manage(
    request: HtmxHttpRequest,
    topic: Topic,
    import_form: ImportForm,
    import_errors: list[Any] | None = None,
) -> HttpResponse:
    status = request.GET.get("status", "")
    embed_url = request.build_absolute_uri(reverse("audience:embed", args=[topic.slug]))
    context = {
        "topic": topic,
        "page": queries.recipients_page(topic, page=_page(request), status=status),
        "status": status,
        "statuses": Subscriber.Status.choices,
        "counts": queries.subscriber_counts(topic),
        "issues": queries.topic_issues(topic),
        "import_form": import_form,
        "import_errors": import_errors or [],
        "embed_code": (
            f'<iframe src="{embed_url}" title="Newsletter" width="360" height="220" '
            'style="border:0"></iframe>'
        ),
    }
    return render(
        request,
        "audience/newsletter/manage.html",
        context,
        status=422 if import_errors or import_form.errors else 200,
    )


@login_required
def export_recipients(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    topic = _managed_topic(request, slug)
    response = StreamingHttpResponse(
        newsletter_subscriptions.export_csv(topic, by=request.user),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{topic.slug}-recipients.csv"'
    return response


@login_required
@require_POST
def import_recipients(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _managed_topic(request, slug)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_manage(request, topic, form)
    try:
        report = newsletter_subscriptions.import_csv(
            topic, form.cleaned_data["file"], by=request.user
        )
    except newsletter_subscriptions.RecipientImportFailed as exc:
        return _render_manage(request, topic, ImportForm(), import_errors=exc.errors)
    messages.success(
        request,
        _(
            "Import done: %(created)d added, %(updated)d updated, %(skipped)d left out "
            "because they had unsubscribed or bounced."
        )
        % {"created": report.created, "updated": report.updated, "skipped": len(report.skipped)},
    )
    return redirect("audience:newsletter-manage", slug=topic.slug)


@login_required
def compose(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = _managed_topic(request, slug)
    recent = list(
        Post.objects.filter(topic=topic, status=Post.Status.PUBLISHED)
        .order_by("-curated_at", "-pk")
        .values_list("pk", flat=True)[:60]
    )
    choices = Post.objects.filter(pk__in=recent).order_by("-curated_at", "-pk")
    form = ComposeForm(
        request.POST or None,
        posts=choices,
        initial={"subject": topic.title},
    )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "draft")
        data = form.cleaned_data
        try:
            with transaction.atomic():
                composed = newsletter_issues.compose_issue(
                    topic,
                    by=request.user,
                    subject=data["subject"],
                    introduction=data["introduction"],
                    post_ids=[post.pk for post in data["posts"]],
                )
                if action == "send":
                    newsletter_issues.schedule_issue(composed, by=request.user)
                elif action == "schedule":
                    if data["send_at"] is None:
                        raise ValidationError({"send_at": _("Choose when to send it.")})
                    newsletter_issues.schedule_issue(composed, by=request.user, at=data["send_at"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _status_message(composed))
            return redirect("audience:issue-admin", slug=topic.slug, issue_id=composed.pk)
    return render(request, "audience/newsletter/compose.html", {"topic": topic, "form": form})


def _status_message(issue_obj: Issue) -> str:
    issue_obj.refresh_from_db(fields=["status", "send_at"])
    if issue_obj.status == Issue.Status.SCHEDULED:
        return _("The issue is on its way; the worker sends it at the time set.")
    return _("The issue is saved as a draft.")


@login_required
def issue_admin(request: HtmxHttpRequest, slug: str, issue_id: int) -> HttpResponse:
    topic = _managed_topic(request, slug)
    found = get_object_or_404(Issue, topic=topic, pk=issue_id)
    if request.method == "POST":
        user = authenticated(request.user)
        action = request.POST.get("action", "")
        try:
            if action == "send":
                newsletter_issues.schedule_issue(found, by=user)
            elif action == "schedule":
                form = ComposeForm(
                    {"subject": found.subject, "send_at": request.POST.get("send_at", "")},
                    posts=Post.objects.none(),
                )
                when = form.cleaned_data.get("send_at") if form.is_valid() else None
                if when is None:
                    raise ValidationError(_("Choose when to send it."))
                newsletter_issues.schedule_issue(found, by=user, at=when)
            elif action == "cancel":
                newsletter_issues.cancel_schedule(found, by=user)
            elif action == "delete":
                newsletter_issues.delete_draft(found, by=user)
                messages.success(request, _("The draft is deleted."))
                return redirect("audience:newsletter-manage", slug=topic.slug)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _status_message(found))
        return redirect("audience:issue-admin", slug=topic.slug, issue_id=found.pk)
    return render(
        request,
        "audience/newsletter/issue_admin.html",
        {
            "topic": topic,
            "issue": found,
            "items": list(found.items.all()),
            "counts": queries.delivery_counts(found),
            "problems": queries.delivery_problems(found),
            "active_count": queries.subscriber_counts(topic)[Subscriber.Status.ACTIVE],
        },
    )
