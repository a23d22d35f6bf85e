"""Organisation pages: the public page (also the root of a verified custom domain), the
administrators' settings, and the reverse proxy's "ask" endpoint."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from glaneur.curation.models import Topic

from . import hosts, queries, services
from .colours import HEX_COLOUR
from .forms import BrandingForm, DomainForm, MemberForm, NewOrganisationForm
from .models import Domain, Organisation, OrganisationMember


def _page(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return render(
        request,
        "organisations/organisation.html",
        {
            "organisation": organisation,
            "topics": queries.organisation_topics(organisation, request.user),
            "members": queries.organisation_members(organisation),
            "can_manage": services.can_manage_org(request.user, organisation),
        },
    )


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, get_object_or_404(Organisation, slug=slug))


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    """Any signed-in person may found an organisation and becomes its administrator (its
    topics are added from the settings, a custom domain is verified before it serves)."""
    form = NewOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("organisations:settings", slug=organisation.slug)
    return render(request, "organisations/new.html", {"form": form})


def domain_home(request: HttpRequest) -> HttpResponse:
    """``/`` on a verified custom domain (the host routing middleware set the organisation)."""
    organisation_id = getattr(request, "organisation_id", None)
    if organisation_id is None:
        raise Http404
    return _page(request, get_object_or_404(Organisation, pk=organisation_id))


def _managed(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    services.check_can_manage_org(request.user, organisation)
    return organisation


@login_required
def organisation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed(request, slug)
    form = BrandingForm(instance=organisation)
    if request.method == "POST":
        form = BrandingForm(request.POST, instance=organisation)
        if form.is_valid():
            services.update_branding(
                organisation,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.BRANDING_FIELDS},
            )
            messages.success(request, _("Organisation saved."))
            return redirect("organisations:settings", slug)
    return render(
        request,
        "organisations/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "topics": queries.organisation_topics(organisation, request.user),
            "topics_to_add": services.topics_to_add(request.user, organisation),
            "members": queries.organisation_members(organisation),
            "member_form": MemberForm(),
            "domains": queries.organisation_domains(organisation),
            "domain_form": DomainForm(),
        },
        status=400 if form.errors else 200,
    )


def _action(request: HttpRequest, slug: str, act: Callable[[Organisation], str]) -> HttpResponse:
    """Runs one settings action (a POST), shows its outcome, back to the settings page."""
    organisation = _managed(request, slug)
    try:
        messages.success(request, act(organisation))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("organisations:settings", slug)


@require_POST
@login_required
def topic_add(request: HttpRequest, slug: str) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        topic = get_object_or_404(Topic, pk=request.POST.get("topic", "0") or "0")
        services.add_topic(organisation, topic, by=request.user)
        return _("Topic added.")

    return _action(request, slug, act)


@require_POST
@login_required
def topic_remove(request: HttpRequest, slug: str, topic_id: int) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        services.remove_topic(organisation, get_object_or_404(Topic, pk=topic_id), by=request.user)
        return _("Topic removed from the organisation.")

    return _action(request, slug, act)


@require_POST
@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        form = MemberForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give a username and a role."))
        services.add_member(
            organisation, form.cleaned_data["username"], form.cleaned_data["role"], by=request.user
        )
        return _("Member saved.")

    return _action(request, slug, act)


@require_POST
@login_required
def member_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        member = get_object_or_404(OrganisationMember, pk=member_id, organisation=organisation)
        services.remove_member(organisation, member, by=request.user)
        return _("Member removed.")

    return _action(request, slug, act)


@require_POST
@login_required
def domain_add(request: HttpRequest, slug: str) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        form = DomainForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give a domain name."))
        domain = services.add_domain(organisation, form.cleaned_data["host"], by=request.user)
        return _("Domain added: publish its TXT record, then verify it.") + f" ({domain.host})"

    return _action(request, slug, act)


def _domain(organisation: Organisation, domain_id: int) -> Domain:
    return get_object_or_404(
        Domain.objects.select_related("organisation"), pk=domain_id, organisation=organisation
    )


@require_POST
@login_required
def domain_verify(request: HttpRequest, slug: str, domain_id: int) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        services.request_verification(_domain(organisation, domain_id), by=request.user)
        return _("The domain will be checked in a moment: reload this page.")

    return _action(request, slug, act)


@require_POST
@login_required
def domain_remove(request: HttpRequest, slug: str, domain_id: int) -> HttpResponse:
    def act(organisation: Organisation) -> str:
        services.remove_domain(_domain(organisation, domain_id), by=request.user)
        return _("Domain removed.")

    return _action(request, slug, act)


@never_cache
@require_GET
def domain_check(request: HttpRequest) -> HttpResponse:
    """The reverse proxy's on-demand TLS "ask": 200 if the domain is verified, else 404.

    It tells no more than visiting the host would; GLANEUR_DOMAIN_CHECK_TOKEN, if set, is
    required as ``token`` (for a proxy that reaches Glaneur over a network)."""
    expected = settings.GLANEUR_DOMAIN_CHECK_TOKEN
    if expected and not hmac.compare_digest(
        request.GET.get("token", "").encode(), expected.encode()
    ):
        raise PermissionDenied
    host = request.GET.get("domain", "")
    if not host or hosts.organisation_for(host) is None:
        return HttpResponse("unknown\n", status=404, content_type="text/plain")
    return HttpResponse("verified\n", content_type="text/plain")


def brand_css(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's colours as a stylesheet of the site's own origin (the CSP allows
    no inline style); the colours were validated as #rrggbb when saved."""
    organisation = get_object_or_404(Organisation, slug=slug)
    colours = [
        c if HEX_COLOUR.fullmatch(c) else "#1d4e89"
        for c in (organisation.primary_colour, organisation.accent_colour)
    ]
    css = f".org-brand {{ --org-primary: {colours[0]}; --org-accent: {colours[1]}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
