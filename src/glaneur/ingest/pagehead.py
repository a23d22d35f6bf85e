"""What a page says of itself in its markup: OpenGraph and Twitter tags, the canonical
link, the language, the published date in JSON-LD, and the candidate images."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from glaneur.ingest.text import clean

MAX_IMAGES = 12
MIN_IMAGE_SIDE = 48  # pixels, when the markup gives a size: smaller is an icon or a pixel


@dataclass
class Page:
    base_url: str
    metas: dict[str, str]  # first value for each lower-cased property/name/itemprop
    meta_images: list[str]
    canonical: str | None
    title: str
    first_h1: str
    html_lang: str
    # an <img>'s URL, resolved against <base href> and against the page URL (as trafilatura
    # does) -> (its URL resolved against <base href>, its attributes)
    images: dict[str, tuple[str, dict[str, str]]]
    article_images: list[str]  # <img>s of <article>/<main>, the fallback when trafilatura has none
    json_ld_published: str


_IMAGE_META_KEYS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
_TRACKER = re.compile(
    r"(?:^|[/_.=-])(?:pixel|spacer|blank|beacon|tracking|1x1|transparent)(?:[/_.?=-]|$)"
    r"|facebook\.com/tr|google-analytics\.com|doubleclick\.net|scorecardresearch\.com"
    r"|quantserve\.com|pixel\.wp\.com|stats\.wp\.com|/b\.gif|/p\.gif",
    re.IGNORECASE,
)
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "src")


def _absolute(base: str, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("data:", "javascript:", "blob:", "#")):
        return None
    try:
        absolute = urljoin(base, href)
    except ValueError:
        return None
    return absolute if urlsplit(absolute).scheme in {"http", "https"} else None


def text_of(element: Any) -> str:
    return clean(element.text_content())


def read_page(tree: Any, url: str) -> Page:
    base_url = url
    for base in tree.iter("base"):
        if absolute := _absolute(url, base.get("href")):
            base_url = absolute
        break
    metas: dict[str, str] = {}
    meta_images: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if not key or content is None:
            continue
        key = key.strip()
        metas.setdefault(key, content)
        if key in _IMAGE_META_KEYS and (image := _absolute(base_url, content)):
            meta_images.append(image)
    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = _absolute(base_url, link.get("href"))
            if canonical:
                break
    if canonical is None:
        canonical = _absolute(base_url, metas.get("og:url"))
    images: dict[str, tuple[str, dict[str, str]]] = {}
    for img in tree.iter("img"):
        attributes = dict(img.attrib)
        for name in _LAZY_SOURCES:
            if absolute := _absolute(base_url, img.get(name)):
                images.setdefault(absolute, (absolute, attributes))
                if as_resolved := _absolute(url, img.get(name)):
                    images.setdefault(as_resolved, (absolute, attributes))
    article_images: list[str] = []
    for container in tree.xpath("(//article|//*[@itemprop='articleBody']|//main)[1]"):
        for img in container.iter("img"):
            src = next((a for n in _LAZY_SOURCES if (a := _absolute(base_url, img.get(n)))), None)
            if src:
                article_images.append(src)
    titles = tree.xpath("//title")
    h1s = tree.xpath("//h1")
    root = tree.getroottree().getroot()
    return Page(
        base_url=base_url,
        metas=metas,
        meta_images=meta_images,
        canonical=canonical,
        title=text_of(titles[0]) if titles else "",
        first_h1=next((t for h1 in h1s if (t := text_of(h1))), ""),
        html_lang=root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        images=images,
        article_images=article_images,
        json_ld_published=_json_ld_published(tree),
    )


def _json_ld_published(tree: Any) -> str:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        found = _find_key(data, "datePublished")
        if found:
            return found
    return ""


def _find_key(data: object, key: str) -> str:
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str):
            return value
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            if found := _find_key(item, key):
                return found
    return ""


def _is_decorative(src: str, attributes: dict[str, str]) -> bool:
    if _TRACKER.search(src):
        return True
    for side in ("width", "height"):
        value = attributes.get(side, "").strip().removesuffix("px")
        if value.isdigit() and int(value) < MIN_IMAGE_SIDE:
            return True
    return False


def image_urls(page: Page, body_images: list[str]) -> list[str]:
    chosen: list[str] = []
    for src in page.meta_images:
        if src not in chosen and not _TRACKER.search(src):
            chosen.append(src)
    for raw in body_images or page.article_images:
        src, attributes = page.images.get(raw, (raw, {}))
        if src not in chosen and not _is_decorative(src, attributes):
            chosen.append(src)
    return chosen[:MAX_IMAGES]
