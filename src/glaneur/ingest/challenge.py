"""Recognise challenge and bot-check pages (Cloudflare, DataDome, captchas…) among fetched pages.

A site that suspects a robot answers with a page of its own instead of the article; its title
("Just a moment...") must never become a post's title. Such pages carry almost no visible text,
so every rule here applies only to short pages: an article that merely talks about captchas,
or that has a reCAPTCHA in its comment form, or Cloudflare's detection script (served on
ordinary pages too), is long and is never flagged.
"""

from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Visible characters beyond which a page holds real content whatever its markup says.
SHORT_PAGE = 2000
# Phrases in the visible text ("Are you a robot?") also occur in short articles that quote
# them: they count on pages shorter than this only.
PHRASE_PAGE = 1000
# Pages this short that carry a captcha widget or "captcha" in their title are a captcha wall;
# longer ones may be a short article with a captcha-protected comment form.
TINY_PAGE = 600

_NEVER = re.compile(r"(?!)")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else _NEVER


@dataclass(frozen=True)
class _Rule:
    reason: Promise  # translated when a page is judged, in the curator's language
    title: re.Pattern[str] = _NEVER  # searched in the lower-cased, normalised <title>
    markup: re.Pattern[str] = _NEVER  # searched in the lower-cased document
    text: re.Pattern[str] = _NEVER  # searched in the lower-cased visible text


_RULES: tuple[_Rule, ...] = (
    _Rule(
        reason=_(
            "The site answered with a bot check (Cloudflare “Just a moment…”) "
            "instead of the article."
        ),
        title=_any(
            r"^(just a moment|un instant|einen moment|un momento)\b",
            r"checking your browser",
            r"^one more step\b",
            r"^please wait\b.*\bcloudflare",
        ),
        # /cdn-cgi/challenge-platform/scripts/jsd/ is injected into ordinary pages: not a sign.
        markup=_any(
            r"cf-browser-verification",
            r"_cf_chl_opt",
            r"challenge-platform/(?!scripts/jsd/)",
            r"id=[\"']?challenge-(?:form|running|stage|body-text)",
        ),
        text=_any(
            r"checking your browser before accessing",
            r"checking if the site connection is secure",
            r"verify(?:ing)? you are human by completing",
        ),
    ),
    _Rule(
        reason=_(
            "The site blocked the request (Cloudflare “Attention Required!”) "
            "instead of showing the article."
        ),
        title=_any(r"attention required!?\s*\|\s*cloudflare", r"\|\s*cloudflare$"),
        markup=_any(r"id=[\"']?cf-error-details", r"cf-error-code"),
        text=_any(r"sorry, you have been blocked", r"why have i been blocked\?"),
    ),
    _Rule(
        reason=_("The site answered with a DataDome bot check instead of the article."),
        # js.datadome.co/tags.js is on ordinary pages; the captcha itself comes from here:
        markup=_any(r"captcha-delivery\.com", r"\bdd=\{\s*'rt'\s*:\s*'[ci]'"),
        text=_any(r"please enable js and disable any ad blocker"),
    ),
    _Rule(
        reason=_("The site answered with a PerimeterX (HUMAN) bot check instead of the article."),
        title=_any(r"^access to this page has been denied"),
        markup=_any(r"id=[\"']?px-captcha", r"captcha\.px-cdn\.net", r"px-cloud\.net/captcha"),
        text=_any(r"press (?:&|and) hold to confirm you are"),
    ),
    _Rule(
        reason=_(
            "The site refused access (Akamai “Access Denied”) instead of showing the article."
        ),
        markup=_any(r"errors(?:\.|&#46;)edgesuite(?:\.|&#46;)net", r"sec-if-cpt-container"),
        text=_any(r"errors\.edgesuite\.net"),
    ),
    _Rule(
        reason=_("The site answered with an Imperva (Incapsula) bot check instead of the article."),
        title=_any(r"^pardon our interruption"),
        markup=_any(r"_incapsula_resource", r"incapsula incident id"),
        text=_any(r"incapsula incident id", r"pardon our interruption"),
    ),
    _Rule(
        reason=_(
            "The site asked for a captcha (“Are you a robot?”) instead of showing the article."
        ),
        title=_any(
            r"\bare you (?:a )?(?:robot|human)\b",
            r"\b[eé]tes-vous (?:un robot|humain)",
            r"\brobot check\b",
            r"\bhuman verification\b",
            r"\bverify(?:ing)? (?:that )?you are (?:a )?human\b",
            r"\bv[ée]rification (?:de s[ée]curit[ée]|anti-?robot)",
        ),
        text=_any(
            r"\bare you a robot\b",
            r"\b[eé]tes-vous un robot\b",
            r"\bi'?m not a robot\b",
            r"\b(?:prove|verify) (?:that )?you are (?:a )?human\b",
        ),
    ),
    _Rule(
        reason=_("The site refused access (“Access denied”) instead of showing the article."),
        title=_any(
            r"^(?:access denied|acc[eè]s refus[ée]|403 forbidden|forbidden|request rejected)\b",
            r"^you have been blocked\b",
        ),
        text=_any(
            r"^access denied\b",
            r"you don'?t have permission to access",
            r"the requested url was rejected",
        ),
    ),
    _Rule(
        reason=_(
            "The site requires JavaScript and cookies (a bot check) before showing the article."
        ),
        text=_any(
            r"enable javascript and cookies to continue",
            r"please enable (?:javascript and )?cookies",
            r"activez (?:le )?javascript et (?:les )?cookies",
        ),
    ),
)

_CAPTCHA_REASON = _RULES[6].reason
# Captcha widgets also sit in comment and contact forms of real articles: tiny pages only.
_CAPTCHA_WIDGET = _any(
    r"class=[\"'][^\"'<>]{0,200}\bg-recaptcha\b",
    r"class=[\"'][^\"'<>]{0,200}\bh-captcha\b",
    r"google\.com/recaptcha/",
    r"hcaptcha\.com/1/api\.js",
    r"challenges\.cloudflare\.com/turnstile",
    r"class=[\"'][^\"'<>]{0,200}\bcf-turnstile\b",
    r"\b(?:id|name|action)=[\"'][^\"'<>]{0,200}captcha",
)
_CAPTCHA_TITLE = re.compile(r"captcha")
_BLOCKING_STATUSES = {403, 429, 503}
_BLOCKING_HINT = _any(r"captcha", r"\brobot\b", r"\bbot\b", r"challenge", r"blocked", r"denied")

# Fetched pages are arbitrary input: the scanning below stays linear in the page's length
# (no pattern that rescans the rest of the page from every unclosed "<!--" or "<script").
_HIDDEN_BLOCK = re.compile(r"<!--|<(script|style|template|svg)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")


def _normalise(text: str) -> str:
    text = html_entities.unescape(text).replace("…", "...")
    return " ".join(text.split()).lower()


def page_title(html: str) -> str:
    """The `<title>` of a document, entities decoded, whitespace collapsed, lower-cased."""
    lowered = html.lower()
    start = lowered.find("<title")
    opened = lowered.find(">", start) if start != -1 else -1
    if opened == -1:
        return ""
    end = lowered.find("</title", opened)
    return _normalise(html[opened + 1 : end if end != -1 else opened + 1025])


def visible_text(html: str) -> str:
    """The text a browser would show (roughly), lower-cased: no comments, scripts, styles."""
    lowered = html.lower()
    shown: list[str] = []
    position = 0
    while match := _HIDDEN_BLOCK.search(html, position):
        shown.append(html[position : match.start()])
        closing = "-->" if match.group(1) is None else f"</{match.group(1).lower()}"
        end = lowered.find(closing, match.end())
        if end == -1:
            position = len(html)
            break
        position = end + len(closing)
    shown.append(html[position:])
    return _normalise(_TAG.sub(" ", " ".join(shown)))


def detect_challenge(html: str, *, status: int | None = None) -> str | None:
    """Return why `html` is a challenge or bot-check page rather than content, or None."""
    text = visible_text(html)
    if len(text) >= SHORT_PAGE:
        return None
    title = page_title(html)
    markup = html.lower()
    for rule in _RULES:
        if rule.title.search(title) or rule.markup.search(markup):
            return str(rule.reason)
        if len(text) < PHRASE_PAGE and rule.text.search(text):
            return str(rule.reason)
    if len(text) < TINY_PAGE and (_CAPTCHA_TITLE.search(title) or _CAPTCHA_WIDGET.search(markup)):
        return str(_CAPTCHA_REASON)
    if status in _BLOCKING_STATUSES and _BLOCKING_HINT.search(markup):
        return (
            f"The site answered HTTP {status} with what looks like a bot check "
            "instead of the article."
        )
    return None
