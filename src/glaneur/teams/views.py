"""A topic's members page, review queue and audit list; an invitation's page. Thin: every
change is a service that checks who may make it (curation.access)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from glaneur.curation import audit, services
from glaneur.curation.access import can_manage, check_can_manage, check_can_review, role_of
from glaneur.curation.models import AuditEntry, Membership, Post
from glaneur.curation.pages import topic_for
from glaneur.http import HtmxHttpRequest

from . import services as teams
from .forms import InviteForm, SendBackForm
from .models import Invitation

AUDIT_PAGE = 50


def _errors(request: HtmxHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Owner and editors see and change the team; any member may leave it."""
    topic = topic_for(request, slug)
    mine = role_of(request.user, topic)
    if mine is None:
        raise PermissionDenied
    form = InviteForm()
    if request.method == "POST":
        done = reverse("teams:members", args=[topic.slug])
        action = request.POST.get("action", "")
        try:
            if action == "leave":
                services.leave_topic(topic, request.user)  # type: ignore[arg-type]
                messages.success(request, _("You left the topic."))
                return redirect(topic.get_absolute_url())
            check_can_manage(request.user, topic)
            if action == "invite":
                form = InviteForm(request.POST)
                if form.is_valid():
                    made = teams.invite(topic, by=request.user, **form.cleaned_data)
                    if isinstance(made, Invitation):
                        messages.success(
                            request, _("Invitation sent to %(email)s.") % {"email": made.email}
                        )
                    else:
                        messages.success(
                            request,
                            _("%(name)s joined the topic.") % {"name": made.user.get_username()},
                        )
                    return redirect(done)
            elif action in ("role", "remove"):
                member = get_object_or_404(Membership, topic=topic, pk=request.POST.get("member"))
                if action == "role":
                    services.add_member(
                        topic, member.user, request.POST.get("role", ""), by=request.user
                    )
                    messages.success(request, _("Role changed."))
                else:
                    services.remove_member(topic, member.user, by=request.user)
                    messages.success(request, _("Member removed."))
                return redirect(done)
            elif action == "revoke":
                invitation = get_object_or_404(
                    Invitation, topic=topic, pk=request.POST.get("invitation")
                )
                teams.revoke(invitation, by=request.user)
                messages.success(request, _("Invitation withdrawn."))
                return redirect(done)
            elif action == "approval":
                services.update_topic(
                    topic,
                    by=request.user,
                    contributors_need_approval=request.POST.get("required") == "1",
                )
                messages.success(request, _("Approval setting saved."))
                return redirect(done)
        except ValidationError as error:
            _errors(request, error)
            if action != "invite":
                return redirect(done)
    context = {
        "topic": topic,
        "my_role": mine,
        "manages": can_manage(request.user, topic),
        "is_owner": mine == Membership.Role.OWNER,
        "members": Membership.objects.filter(topic=topic)
        .select_related("user")
        .order_by("role", "user__username"),
        "invitations": teams.pending_invitations(topic) if can_manage(request.user, topic) else [],
        "roles": Membership.Role.choices,
        "form": form,
        "pending_count": services.pending_posts(topic).count(),
    }
    return render(request, "teams/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Contributors' posts waiting for approval: approve (publish) or send back."""
    topic = topic_for(request, slug)
    check_can_review(request.user, topic)
    if request.method == "POST":
        post = get_object_or_404(Post, topic=topic, pk=request.POST.get("post"))
        try:
            if request.POST.get("action") == "approve":
                services.approve(post, by=request.user)
                messages.success(request, _("Published."))
            else:
                form = SendBackForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Say what should change: the contributor reads it."))
                services.send_back(post, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Sent back to its contributor."))
        except ValidationError as error:
            _errors(request, error)
        return redirect("teams:review", slug=topic.slug)
    posts = services.pending_posts(topic).select_related("curated_by")
    return render(
        request, "teams/review.html", {"topic": topic, "posts": posts, "form": SendBackForm()}
    )


@login_required
def audit_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Who changed what about the team, newest first, paged."""
    topic = topic_for(request, slug)
    check_can_manage(request.user, topic)
    entries = AuditEntry.objects.filter(topic=topic).select_related("actor")
    page = Paginator(entries, AUDIT_PAGE).get_page(request.GET.get("page"))
    rows = [(entry, audit.describe(entry)) for entry in page.object_list]
    return render(request, "teams/audit.html", {"topic": topic, "page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def accept(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """An invitation's link: signed-in people accept it; others sign in or up first."""
    try:
        invitation = teams.invitation_for(token)
    except ValidationError as error:
        return render(request, "teams/accept.html", {"error": error.messages[0]}, status=404)
    context = {"invitation": invitation, "topic": invitation.topic, "token": token}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            teams.accept(token, request.user)
        except ValidationError as error:
            context["error"] = error.messages[0]
            return render(request, "teams/accept.html", context, status=400)
        messages.success(request, _("Welcome to the team."))
        return redirect(invitation.topic.get_absolute_url())
    if not invitation.pending:
        context["error"] = _("This invitation can no longer be accepted.")
    return render(request, "teams/accept.html", context)
