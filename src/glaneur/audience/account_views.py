"""The reader's own pages: profile, subscriptions, account deletion."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from glaneur.curation import access
from glaneur.curation.models import Topic
from glaneur.curation.services import authenticated
from glaneur.http import HtmxHttpRequest

from . import accounts, mail, queries, services
from .forms import DeleteAccountForm, DigestForm, ProfileForm
from .models import Subscriber


@login_required
def profile_settings(request: HtmxHttpRequest) -> HttpResponse:
    user = authenticated(request.user)
    profile = accounts.profile_of(user)
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.first_name, "bio": profile.bio, "language": profile.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            accounts.update_profile(user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("audience:settings")
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    return render(
        request,
        "audience/settings/profile.html",
        {"form": form, "profile": profile, "addresses": addresses},
    )


@login_required
def subscriptions(request: HtmxHttpRequest) -> HttpResponse:
    user = authenticated(request.user)
    # Topics that turned private to the reader are not named here (access.py); their
    # follows can still be stopped, all at once.
    if request.method == "POST" and request.POST.get("action") == "unfollow-hidden":
        services.unfollow_hidden(user)
        messages.success(request, _("You no longer follow the topics closed to you."))
        return redirect("audience:subscriptions")
    follows = list(queries.visible_follows(user).select_related("topic").order_by("topic__title"))
    form = DigestForm(request.POST or None, follows=follows)
    if request.method == "POST" and form.is_valid():
        for follow in follows:
            chosen = form.cleaned_data[f"digest-{follow.topic_id}"]
            if chosen != follow.digest:
                services.set_digest_frequency(user, follow.topic, chosen)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("audience:subscriptions")
    verified = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    newsletters = list(
        Subscriber.objects.filter(
            email__in=[e.lower() for e in verified],
            status__in=[Subscriber.Status.ACTIVE, Subscriber.Status.PENDING],
        )
        .select_related("topic")
        .order_by("topic__title")
    )
    open_topics = set(
        Topic.objects.filter(pk__in={s.topic_id for s in newsletters})
        .filter(access.visible_topics(user))
        .values_list("pk", flat=True)
    )
    for subscriber in newsletters:
        subscriber.topic_visible = subscriber.topic_id in open_topics  # type: ignore[attr-defined]
        token = mail.unsubscribe_token("newsletter", subscriber.pk)
        subscriber.unsubscribe_url = reverse(  # type: ignore[attr-defined]
            "audience:unsubscribe", args=[token]
        )
    primary_verified = EmailAddress.objects.filter(user=user, primary=True, verified=True).exists()
    return render(
        request,
        "audience/settings/subscriptions.html",
        {
            "form": form,
            "newsletters": newsletters,
            "verified": primary_verified,
            "hidden_follows": queries.hidden_follows(user).count(),
        },
    )


@login_required
def delete_account(request: HtmxHttpRequest) -> HttpResponse:
    user = authenticated(request.user)
    plan = accounts.deletion_plan(user)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.delete_account(user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except ProtectedError:
            form.add_error(
                None, _("Your account is still needed by other data; please contact us.")
            )
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("curation:home")
    return render(request, "audience/settings/delete.html", {"form": form, "plan": plan})
