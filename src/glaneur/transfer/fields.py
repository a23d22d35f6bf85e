"""Model fields to JSON values and back, read from the models at run time.

The Glaneur JSON format carries every concrete field of topics, posts and comments except
database ids, foreign keys (exported as stable keys or usernames) and values derived from
others (recomputed on import). A field another app adds later is exported and imported
without a change here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import ImportFailed


def concrete_fields(model: type[models.Model], exclude: set[str]) -> list[models.Field[Any, Any]]:
    """Plain (non-relational) fields of a model, in declaration order."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not f.is_relation and f.name not in exclude
    ]


def user_foreign_keys(model: type[models.Model], exclude: set[str]) -> list[str]:
    """Names of the model's foreign keys to accounts (exported as usernames)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.name not in exclude
        and isinstance(f.related_model, type)
        and f.related_model._meta.label == settings.AUTH_USER_MODEL
    ]


def self_foreign_keys(model: type[models.Model], exclude: set[str]) -> list[str]:
    """Names of the model's foreign keys to itself (replies, origins): exported as keys."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.name not in exclude and f.related_model is model
    ]


def encode(field: models.Field[Any, Any], value: Any) -> Any:
    """A field's value as JSON: datetimes in UTC ISO 8601, dates ISO, decimals as strings."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def encode_instance(instance: models.Model, fields: list[models.Field[Any, Any]]) -> dict[str, Any]:
    return {f.name: encode(f, getattr(instance, f.attname)) for f in fields}


def decode_fields(
    model: type[models.Model],
    data: dict[str, Any],
    fields: Sequence[models.Field[Any, Any]],
    *,
    item: int | None = None,
    line: int | None = None,
    what: str = "",
) -> dict[str, Any]:
    """The values of ``data`` for ``fields``, converted and validated as the model does.

    Keys absent from ``data`` are left out (the model's default applies); a value that
    the model would refuse raises ImportFailed naming the field.
    """
    values: dict[str, Any] = {}
    for f in fields:
        if f.name not in data:
            continue
        raw = data[f.name]
        if raw is None and not f.null:
            raw = "" if isinstance(f, models.CharField | models.TextField) else raw
        try:
            values[f.name] = f.clean(raw, None)
        except ValidationError as exc:
            label = f"{what}.{f.name}" if what else f.name
            raise ImportFailed(f"{label}: {' '.join(exc.messages)}", item=item, line=line) from exc
        except (TypeError, ValueError) as exc:  # e.g. a list where a date was expected
            label = f"{what}.{f.name}" if what else f.name
            message = _("%(field)s: %(value)s cannot be read as this field's value") % {
                "field": label,
                "value": repr(raw)[:100],
            }
            raise ImportFailed(message, item=item, line=line) from exc
    return values
