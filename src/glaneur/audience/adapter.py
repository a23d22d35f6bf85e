"""allauth, Glaneur's way: every account message in the recipient's language, with a
plain-text and an HTML part, signed with the site's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.forms import BaseForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from . import mail
from .models import Profile


@dataclass(frozen=True)
class SiteInfo:
    """What allauth's templates read from ``current_site``."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        user = super().save_user(request, user, form, commit)
        if commit:
            # The language the visitor signed up in is the language of their e-mail.
            Profile.objects.update_or_create(
                user_id=user.pk,
                defaults={"language": mail.supported_language(translation.get_language())},
            )
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        domain = (
            request.get_host()
            if request is not None
            else urlsplit(settings.GLANEUR_BASE_URL).netloc
        )
        ctx = {
            "request": request,
            "email": email,
            "current_site": SiteInfo(settings.GLANEUR_SITE_NAME, domain),
            **context,
        }
        language = self.recipient_language(email, context.get("user"))
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        message.extra_headers["Content-Language"] = language
        message.send()

    def recipient_language(self, email: str, user: Any) -> str:
        if user is None or not getattr(user, "pk", None):
            address = EmailAddress.objects.filter(email__iexact=email).first()
            user = address.user if address is not None else None
        if user is not None:
            stored = Profile.objects.filter(user_id=user.pk).values_list("language", flat=True)
            if language := stored.first():
                return language
        return mail.supported_language(translation.get_language())

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and message.alternatives:
            return message
        # allauth ships plain-text templates only: the HTML part shows that same text.
        html = render_to_string(
            "audience/email/account_message.html",
            {
                "subject": message.subject,
                "body": message.body,
                "site_name": settings.GLANEUR_SITE_NAME,
            },
        )
        multipart = EmailMultiAlternatives(
            message.subject,
            message.body,
            message.from_email,
            message.to,
            headers=message.extra_headers,
        )
        multipart.attach_alternative(html, "text/html")
        return multipart
