"""Operators' view of what the audience app sends; changes go through the pages."""

from __future__ import annotations

from django.contrib import admin

from .models import Delivery, Digest, Issue, Profile, Subscriber


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "language")
    search_fields = ("user__username", "user__email")


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin[Subscriber]):
    list_display = ("email", "topic", "status", "source", "language", "consent_at")
    list_filter = ("status", "source", "language")
    search_fields = ("email", "name")
    list_select_related = ("topic",)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin[Issue]):
    list_display = ("subject", "topic", "status", "send_at", "sent_at")
    list_filter = ("status",)
    list_select_related = ("topic",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("email", "issue", "status", "attempts", "sent_at", "error")
    list_filter = ("status",)
    search_fields = ("email",)
    list_select_related = ("issue",)


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin[Digest]):
    list_display = ("email", "status", "attempts", "created_at", "sent_at", "error")
    list_filter = ("status",)
    search_fields = ("email",)
