"""The bookmarklet offered on a curator's profile page."""

from __future__ import annotations

BOOKMARKLET = (
    "javascript:(function(){var f=document.createElement('form');f.method='post';"
    "f.action='%s';f.target='_blank';f.acceptCharset='utf-8';"
    "function a(n,v){var i=document.createElement('input');i.type='hidden';i.name=n;"
    "i.value=v;f.appendChild(i);}a('url',location.href);a('title',document.title);"
    "a('selection',String(window.getSelection()));"
    "a('html',document.documentElement.outerHTML);"
    "document.body.appendChild(f);f.submit();f.remove();})()"
)


def bookmarklet(capture_url: str) -> str:
    """Posts the page as the browser shows it (paywalls, scripts, bot checks included)."""
    return BOOKMARKLET % capture_url.replace("'", "%27")
