"""Every page kind, anonymous and curator, through the web's own yardsticks: the Nu HTML
checker (0 errors), axe-core in Chromium (0 violations of any impact) and a 390 px screen
(no horizontal overflow). Issue 13.

The pages are rendered once per module with the test client, in a transaction rolled back
afterwards; the Nu checker runs once over all of them (the JVM is slow to start); Chromium
loads each page from memory (its CSS and scripts from the static finders), so no server runs.
The validators come from tools/pagecheck (npm ci); missing, the tests fail, never skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import transaction
from django.test import Client
from django.utils import timezone

from glaneur.audience.models import Follow
from glaneur.cache import fragment_cache
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post
from glaneur.search.services import index_posts
from glaneur.territories.services import locate_posts
from tests.factories import add_member, make_posts, make_topic, make_user

# The tests read what the module fixture rendered; the mark makes pytest-django create the
# test database that fixture writes to (it sets up only the databases marked tests use).
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "pagecheck"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
ORIGIN = "http://testserver"
PHONE_WIDTH = 390
PIXEL = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class Checked:
    url: str
    status: int
    html: str
    nu_errors: list[str] = field(default_factory=list)
    axe_violations: list[str] = field(default_factory=list)
    phone_overflow: int = 0
    # The width of the widest block of the main column at 390 px (a column squeezed by a
    # grid meant for wide screens is narrow without overflowing).
    phone_main_width: int = 0


def _tools() -> None:
    """Install the validators from their lock if they are missing; fail when that fails."""
    if VNU_JAR.exists() and AXE_JS.exists():
        return
    npm = shutil.which("npm")
    if npm is not None:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOLS, check=False)
    if not (VNU_JAR.exists() and AXE_JS.exists()):
        pytest.fail(
            "The page validators are missing: run `npm ci` in tools/pagecheck "
            "(make test and .ci/run do it).",
            pytrace=False,
        )
    if shutil.which("java") is None or not CHROMIUM.exists():
        pytest.fail("The page checks need java and /usr/bin/chromium.", pytrace=False)


def _inbox(topic: Topic) -> None:
    """A few suggestions to review: from a feed (one with a near-duplicate), and a
    visitor's."""
    from glaneur.sources.inbox import suggest
    from glaneur.sources.models import Candidate, Source

    source = Source.objects.create(topic=topic, url="https://news.example.org/rss", title="News")
    # The sources page shows a source in error and a keyword watch too.
    Source.objects.create(
        topic=topic, url="https://broken.example.org/feed", error_count=2, last_error="Erreur 500."
    )
    Source.objects.create(topic=topic, kind=Source.Kind.KEYWORD, query="apprentissage")
    for i, title in enumerate(["Un tiers-lieu ouvre à Melle", "Apprentissage : record à Agen"]):
        url = f"https://news.example.org/suggestion-{i}"
        candidate = Candidate.objects.create(
            topic=topic,
            url=url,
            url_key=url,
            title=title,
            summary="Une initiative locale pour l'emploi et la formation des jeunes.",
            image_url="https://news.example.org/image.jpg",
            published_at=timezone.now(),
            score=2.0 - i,
            matched_words=["emploi", "formation", "jeunes"],
        )
        candidate.sources.add(source)
    suggest(topic, "https://www.example.org/visiteur", by=None, name="Camille", comment="À lire")


def _team(curator: Any, topic: Topic) -> None:
    """An invitation waiting, a contributor's post awaiting approval, audit entries."""
    from glaneur.curation.services import create_post, update_topic
    from glaneur.teams import services as teams

    teams.invite(topic, by=curator, who="nouvelle@example.org", role="contributor")
    contributor = teams.invite(
        topic, by=curator, who=make_user("conrad").get_username(), role="contributor"
    )
    update_topic(topic, by=curator, contributors_need_approval=True)
    create_post(topic, by=contributor.user, title="Une proposition", insight="À *relire*.")  # type: ignore[union-attr]


def _organisation(curator: Any, topic: Topic) -> None:
    """An organisation with the topic, a member, a logo, a footer and a pending domain."""
    from glaneur.organisations import services as organisations

    org = organisations.create_organisation(slug="capmetiers", name="Cap Métiers NA", by=curator)
    organisations.update_branding(
        org,
        by=curator,
        description="Observatoire régional de l'emploi et de la formation.",
        logo_url="https://news.example.org/logo.png",
        footer_text="Cap Métiers Nouvelle-Aquitaine\n102 avenue de Canéjan, Pessac",
    )
    organisations.add_topic(org, topic, by=curator)
    organisations.add_member(org, "editor", "member", by=curator)
    organisations.add_domain(org, "veille.example.org", by=curator)


def _build_site() -> dict[str, tuple[str | None, str]]:
    """A topic with every kind of content; returns {kind: (user or None, url)}."""
    now = timezone.now()
    curator = make_user("curator", first_name="Cap Métiers NA")
    topic = make_topic(
        curator,
        title="Initiatives locales et paroles d'acteurs",
        description="Emploi, formation et insertion en Nouvelle-Aquitaine : les acteurs.",
    )
    add_member(topic, make_user("editor", first_name="Élise"), Membership.Role.EDITOR)
    Follow.objects.create(user=make_user(), topic=topic)
    make_posts(topic, 40, tag_pool=6)
    post = create_post(
        topic,
        by=curator,
        title="Mission locale et CCI : un partenariat pour l'apprentissage des jeunes",
        url="https://news.example.org/mission-locale-cci-partenariat-apprentissage-jeunes",
        site_name="news.example.org",
        author="Anne Rédaction",
        summary=(
            "La mission locale de Poitiers et la CCI de la Vienne signent une convention."
            "\n\nDeux cents jeunes de Châtellerault et de Loudun."
        ),
        insight="Ce que **disent** les acteurs : un [lien](https://example.org/rapport).",
        image_url="https://news.example.org/image.jpg",
        tags="Emploi, Apprentissage, Territoires",
        pinned=True,
    )
    create_post(
        topic, by=curator, title="Un brouillon", url="https://e.org/draft",
        status=Post.Status.DRAFT,
    )  # fmt: skip
    other = make_topic(curator, title="Sans description", description="")
    make_topic(curator, title="Privé", visibility=Topic.Visibility.PRIVATE)
    Post.objects.filter(topic=other).update(curated_at=now - timedelta(days=40))
    index_posts(Post.objects.filter(topic=topic).values_list("pk", flat=True))
    # Places on the map, the post page and the edit page (the worker's step, run here).
    locate_posts(Post.objects.filter(topic=topic).values_list("pk", flat=True), force=True)
    _inbox(topic)
    _organisation(curator, topic)
    _team(curator, topic)
    t = topic.slug
    anonymous = {
        "home": "/",
        "topic": f"/topic/{t}/",
        "topic-tag": f"/topic/{t}/?tag=tag-1",
        "topic-past-the-end": f"/topic/{t}/?page=999",
        "topic-unknown-tag": f"/topic/{t}/?tag=nulle-part",
        "topic-empty": other.get_absolute_url(),
        "post": post.get_absolute_url(),
        "search": "/search/?q=apprentissage",
        "search-no-result": f"/topic/{t}/search/?q=xylophone",
        "profile": "/u/curator/",
        "stats": f"/topic/{t}/stats/",
        "log-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "not-found": "/topic/nothing-here/",
        "map": f"/topic/{t}/map/",
        "actors": f"/topic/{t}/acteurs/",
        "newsletter-archive": f"/topic/{t}/newsletter/",
        "suggest": f"/topic/{t}/suggest/",
        "embed": f"/topic/{t}/embed/",
        "embed-dark-compact": f"/topic/{t}/embed/?theme=dark&compact=1",
        "embed-help": f"/topic/{t}/embed/help/",
        "organisation": "/o/capmetiers/",
    }
    curator_pages = {
        "home": "/",
        "topic": f"/topic/{t}/",
        "post": post.get_absolute_url(),
        "new-post": f"/topic/{t}/post/new/",
        "edit-post": f"/topic/{t}/p/{post.pk}/edit/",
        "drafts": f"/topic/{t}/drafts/",
        "stats": f"/topic/{t}/stats/",
        "search": f"/topic/{t}/search/?q=apprentissage",
        "profile": "/u/curator/",
        "topic-settings": f"/topic/{t}/edit/",
        "scoop": f"/scoop/?topic={t}",
        "new-topic": "/topic/new/",
        "account-settings": "/settings/",
        "following": "/following/",
        "suggestions": f"/topic/{t}/suggestions/",
        "my-suggestions": "/suggestions/",
        "sources": f"/topic/{t}/sources/",
        "organisation": "/o/capmetiers/",
        "organisation-settings": "/o/capmetiers/settings/",
        "organisation-new": "/o/new/",
        "members": f"/topic/{t}/members/",
        "review": f"/topic/{t}/review/",
        "audit": f"/topic/{t}/audit/",
    }
    kinds: dict[str, tuple[str | None, str]] = {
        f"anonymous-{k}": (None, url) for k, url in anonymous.items()
    }
    kinds.update({f"curator-{k}": ("curator", url) for k, url in curator_pages.items()})
    return kinds


def _render(kinds: dict[str, tuple[str | None, str]]) -> dict[str, Checked]:
    from django.contrib.auth import get_user_model

    pages: dict[str, Checked] = {}
    for kind, (username, url) in kinds.items():
        client = Client()
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        response = client.get(url)
        pages[kind] = Checked(url=url, status=response.status_code, html=response.content.decode())
    return pages


def _nu_check(pages: dict[str, Checked], folder: Path) -> None:
    files = {}
    for kind, page in pages.items():
        path = folder / f"{kind}.html"
        path.write_text(page.html, encoding="utf-8")
        files[path.name] = kind
    done = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            *[str(folder / f"{kind}.html") for kind in pages],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout)
    for message in report["messages"]:
        kind = files.get(message.get("url", "").rsplit("/", 1)[-1])
        if kind is None:
            raise AssertionError(f"The Nu checker failed: {message}")
        pages[kind].nu_errors.append(
            f"line {message.get('lastLine')}: {message['message']} [{message.get('extract', '')}]"
        )


def _browser_checks(pages: dict[str, Checked]) -> None:
    from playwright.sync_api import Route, sync_playwright

    axe = AXE_JS.read_text(encoding="utf-8")
    by_path = {page.url: page for page in pages.values()}

    def serve(route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.netloc != "testserver":  # pictures of other sites: a pixel
            route.fulfill(status=200, content_type="image/png", body=PIXEL)
            return
        if parts.path.startswith("/static/"):
            found = finders.find(parts.path.removeprefix("/static/"))
            if found:
                body = Path(str(found)).read_bytes()
                kind = (
                    "text/css"
                    if parts.path.endswith(".css")
                    else ("image/svg+xml" if parts.path.endswith(".svg") else "text/javascript")
                )
                route.fulfill(status=200, content_type=kind, body=body)
                return
        page = by_path.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        if page is None:
            route.fulfill(status=404, content_type="text/plain", body="not rendered")
            return
        route.fulfill(status=page.status, content_type="text/html; charset=utf-8", body=page.html)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for width in (1280, PHONE_WIDTH):
                context = browser.new_context(viewport={"width": width, "height": 800})
                context.route("**/*", serve)
                tab = context.new_page()
                for page in pages.values():
                    tab.goto(ORIGIN + page.url, wait_until="load")
                    if width == PHONE_WIDTH:
                        page.phone_overflow = tab.evaluate(
                            "document.documentElement.scrollWidth - window.innerWidth"
                        )
                        page.phone_main_width = tab.evaluate(
                            "Math.max(...[...document.querySelectorAll('main *')]"
                            ".map(e => e.getBoundingClientRect().width))"
                        )
                    tab.add_script_tag(content=axe)
                    result = tab.evaluate(
                        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                        ".violations.map(v => `${v.id} (${v.impact}): ` + "
                        "v.nodes.map(n => n.target.join(' ')).join(', '))"
                    )
                    page.axe_violations += [f"{width}px {v}" for v in result]
                context.close()
        finally:
            browser.close()


@pytest.fixture(scope="module")
def checked(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Checked]:
    _tools()
    with django_db_blocker.unblock(), transaction.atomic():
        fragment_cache.clear()
        pages = _render(_build_site())
        transaction.set_rollback(True)
    fragment_cache.clear()
    with tempfile.TemporaryDirectory() as folder:
        _nu_check(pages, Path(folder))
    _browser_checks(pages)
    return pages


KINDS = [
    *(f"anonymous-{k}" for k in (
        "home", "topic", "topic-tag", "topic-past-the-end", "topic-unknown-tag", "topic-empty",
        "post", "search", "search-no-result", "profile", "stats", "log-in", "sign-up",
        "not-found", "map", "actors", "newsletter-archive", "suggest",
        "embed", "embed-dark-compact", "embed-help", "organisation",
    )),
    *(f"curator-{k}" for k in (
        "home", "topic", "post", "new-post", "edit-post", "drafts", "stats", "search", "profile",
        "topic-settings", "scoop", "new-topic", "account-settings", "following",
        "suggestions", "my-suggestions", "sources", "organisation", "organisation-settings",
        "members", "review", "audit", "organisation-new",
    )),
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_page_is_valid_html_for_the_nu_checker(checked: dict[str, Checked], kind: str) -> None:
    page = checked[kind]
    assert page.status == (404 if kind.endswith("not-found") else 200), page.url
    assert page.nu_errors == [], page.url


@pytest.mark.parametrize("kind", KINDS)
def test_page_has_no_axe_violation(checked: dict[str, Checked], kind: str) -> None:
    assert checked[kind].axe_violations == [], checked[kind].url


@pytest.mark.parametrize("kind", KINDS)
def test_page_fits_a_390px_screen(checked: dict[str, Checked], kind: str) -> None:
    page = checked[kind]
    assert page.phone_overflow <= 0, page.url
    assert page.phone_main_width >= PHONE_WIDTH - 60, page.url  # the content uses the screen
