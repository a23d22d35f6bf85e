"""What the JSON, CSV and XML readers of Python say, in the person's language.

Their messages are English sentences; the ones a person meets are translated here, and an
unknown one is kept as a detail inside a translated sentence.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _


def json_error(message: str) -> str:
    """A json.JSONDecodeError's ``msg``, translated."""
    known = {
        "Expecting value": _("a value is expected here"),
        "Expecting property name enclosed in double quotes": _(
            "a name between double quotes is expected here"
        ),
        "Expecting ',' delimiter": _("a comma is missing here"),
        "Expecting ':' delimiter": _("a colon is missing here"),
        "Unterminated string starting at": _("a text is not closed (a double quote is missing)"),
        "Invalid control character at": _("a control character inside a text"),
        "Invalid \\escape": _("an invalid escape (\\) inside a text"),
        "Invalid \\uXXXX escape": _("an invalid \\u escape inside a text"),
        "Extra data": _("more data after the end of the document"),
    }
    reason = known.get(message) or _("unreadable (%(error)s)") % {"error": message}
    return _("not valid JSON: %(error)s") % {"error": reason}


def csv_error(message: str) -> str:
    """A csv.Error's text, translated."""
    limit = re.match(r"field larger than field limit \((\d+)\)", message)
    if limit:
        reason = _("a cell is longer than %(limit)s characters") % {"limit": limit[1]}
    elif message.startswith("new-line character seen in unquoted field"):
        reason = _("a line break inside a cell that is not between quotes")
    elif message.startswith("unexpected end of data"):
        reason = _("the file ends inside a cell between quotes")
    else:
        reason = _("unreadable (%(error)s)") % {"error": message}
    return _("not valid CSV: %(error)s") % {"error": reason}


def xml_error(message: str) -> str:
    """An XML parser's (expat's) message, translated."""
    known = {
        "not well-formed (invalid token)": _("an invalid character or tag"),
        "mismatched tag": _("a closing tag does not match the opening one"),
        "unclosed token": _("a tag is not closed"),
        "no element found": _("the document is empty or cut short"),
        "junk after document element": _("text after the end of the document"),
        "undefined entity": _("an unknown entity (&…;)"),
        "syntax error": _("a syntax error"),
        "duplicate attribute": _("an attribute given twice"),
        "unbound prefix": _("a namespace prefix that is not declared"),
    }
    reason = known.get(message) or _("unreadable (%(error)s)") % {"error": message}
    return _("not well-formed XML: %(error)s") % {"error": reason}
