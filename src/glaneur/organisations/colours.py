"""Branding colours: ``#rrggbb`` only, and dark enough for white text (WCAG AA)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# WCAG 2.x AA for normal text: the colour carries white text (buttons, the banner).
AA_CONTRAST = 4.5
WHITE_LUMINANCE = 1.0


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour (0 black, 1 white)."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return (WHITE_LUMINANCE + 0.05) / (relative_luminance(colour) + 0.05)


def validate_colour(value: str) -> None:
    """A ``#rrggbb`` colour on which white text reads at WCAG AA (4.5:1)."""
    if not HEX_COLOUR.fullmatch(value):
        raise ValidationError(_("Give a colour as #rrggbb, for example #1d4e89."), code="format")
    ratio = contrast_with_white(value)
    if ratio < AA_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of %(ratio).1f:1; "
                "WCAG AA asks for 4.5:1: choose a darker colour."
            )
            % {"colour": value, "ratio": ratio},
            code="contrast",
        )
