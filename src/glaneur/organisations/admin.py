"""Operators' view of organisations and their domains; changes go through the pages and the
command line (which check who may make them and verify domains)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Domain, Organisation


class DomainInline(admin.TabularInline[Domain, Organisation]):
    model = Domain
    fields = ("host", "status", "verified_at", "last_checked_at", "failures", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin[Domain]):
    list_display = ("host", "organisation", "status", "last_checked_at", "failures")
    list_filter = ("status",)
    search_fields = ("host",)
    list_select_related = ("organisation",)
    readonly_fields = (
        "host",
        "organisation",
        "token",
        "status",
        "verified_at",
        "last_checked_at",
        "failures",
        "last_error",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # domains are added on the settings page or with `glaneur orgs`
