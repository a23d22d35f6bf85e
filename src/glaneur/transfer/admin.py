from __future__ import annotations

from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ("created_at", "topic", "filename", "format", "status", "done", "total")
    list_filter = ("status", "format")
    search_fields = ("filename", "topic__slug", "error")
    readonly_fields = [f.name for f in ImportJob._meta.concrete_fields if f.name != "content"]
    exclude = ("content",)
