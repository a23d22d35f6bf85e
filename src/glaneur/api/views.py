"""The personal tokens page: create (the secret is shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from glaneur.curation.services import authenticated

from . import services
from .forms import TokenForm
from .models import ApiToken

NEW_SECRET = "api_new_token_secret"  # noqa: S105 - a session key


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = authenticated(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(user, form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown on the next page only (post/redirect/get), then forgotten.
            request.session[NEW_SECRET] = secret
            return redirect("api-tokens")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=user),
            "new_secret": request.session.pop(NEW_SECRET, None),
        },
    )


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if services.revoke_token(authenticated(request.user), token_id):
        messages.success(request, _("Token revoked: it no longer opens the API."))
    return redirect("api-tokens")
