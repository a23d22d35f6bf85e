"""A place a curator types ("Melle", "Saint-Savin (86)", "79500", "Gironde", "33") into one
commune, department or region of the gazetteer — or a reason in words why not.

Run by the worker (it loads the gazetteer); homonyms are settled by a department written
after the name, then by the departments the post and its topic already speak of, and are
otherwise left for the curator to make precise, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .gazetteer import Commune, gazetteer
from .models import PostPlace
from .names import key

_DEPARTMENT_CODE = re.compile(r"^(?:\d{2}|2[ab]|97\d)$", re.IGNORECASE)
_HINT = re.compile(r"^(.*?)\s*[(,]\s*(\d{2,3}|2[abAB]|[^()]+?)\s*\)?\s*$")
SHOWN = 4  # homonyms listed in the reason


class NotFound(ValueError):
    """Why the text names no single place (translated, for the curator)."""


@dataclass(frozen=True)
class Place:
    kind: str
    code: str


def lookup(text: str, *, near: dict[str, float] | None = None) -> Place:
    """The place ``text`` names; ``near``: weights of departments the story is about."""
    gaz = gazetteer()
    text = " ".join(text.split())
    if not text:
        raise NotFound(_("Type the name of a commune, a department or a region."))
    if text.isdigit() and len(text) == 5:
        if text in gaz.communes:
            return Place(PostPlace.Kind.COMMUNE, text)
        codes = gaz.by_postcode.get(text, [])
        if len(codes) == 1:
            return Place(PostPlace.Kind.COMMUNE, codes[0])
        if codes:
            communes = [gaz.communes[c] for c in codes]
            raise NotFound(_ambiguous(text, communes))
        raise NotFound(_("No commune has the code or postcode %(code)s.") % {"code": text})
    if _DEPARTMENT_CODE.match(text):
        code = text.upper()
        if code in gaz.departments:
            return Place(PostPlace.Kind.DEPARTMENT, code)
    name, hint = text, ""
    match = _HINT.match(text)
    if match and match.group(1):
        name, hint = match.group(1), match.group(2).strip()
    name_key = key(name)
    if not hint:
        if name_key in gaz.department_names:
            return Place(PostPlace.Kind.DEPARTMENT, gaz.department_names[name_key])
        if name_key in gaz.region_names:
            return Place(PostPlace.Kind.REGION, gaz.region_names[name_key])
    communes = gaz.communes_named(name_key)
    if not communes:
        raise NotFound(_("No commune, department or region is named “%(name)s”.") % {"name": name})
    if hint:
        department = _department_of(hint)
        communes = [c for c in communes if c.department == department]
        if not communes:
            raise NotFound(
                _("No commune named “%(name)s” in “%(hint)s”.") % {"name": name, "hint": hint}
            )
    if len(communes) > 1 and near:
        best = max(near.get(c.department, 0.0) for c in communes)
        if best > 0:
            communes = [c for c in communes if near.get(c.department, 0.0) == best]
    if len(communes) == 1:
        return Place(PostPlace.Kind.COMMUNE, communes[0].code)
    raise NotFound(_ambiguous(name, communes))


def _department_of(hint: str) -> str:
    gaz = gazetteer()
    if _DEPARTMENT_CODE.match(hint):
        return hint.upper()
    return gaz.department_names.get(key(hint), "")


def _ambiguous(name: str, communes: list[Commune]) -> str:
    communes = sorted(communes, key=lambda c: -c.population)
    shown = ", ".join(f"{c.name} ({c.department})" for c in communes[:SHOWN])
    more = len(communes) - SHOWN
    if more > 0:
        shown += " " + _("and %(count)d more") % {"count": more}
    return _(
        "“%(name)s” may be several communes: %(list)s. Add the department, e.g. “%(example)s”."
    ) % {
        "name": name,
        "list": shown,
        "example": f"{communes[0].name} ({communes[0].department})",
    }
