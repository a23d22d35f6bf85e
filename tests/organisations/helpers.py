from __future__ import annotations

from typing import Any

from tests.factories import make_user


def person(username: str | None = None, **extra: Any) -> Any:
    """A user, typed loosely: services take Django's User, factories give AbstractBaseUser."""
    return make_user(username, **extra)
