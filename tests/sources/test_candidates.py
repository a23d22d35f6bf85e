"""Items into candidates: the engine's filters, one candidate per normalised URL, the same
story from several sources shown once, stories already scooped or discarded never back,
keyword watches, and two workers taking the same items at once."""

from __future__ import annotations

import itertools
import json
import statistics
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Post, Topic
from glaneur.curation.posts import url_key
from glaneur.search import stories
from glaneur.sources import candidates, ranking
from glaneur.sources.items import Item
from glaneur.sources.models import Candidate, EngineSettings, Source
from glaneur.sources.ranking_tasks import rescore_soon
from tests.factories import make_topic

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parents[1] / "fixtures" / "suggestions"
STORY = Item(
    url="https://www.lanouvellerepublique.fr/vienne/chatellerault-recruter-dans-l-industrie",
    title="Châtellerault : une plateforme commune pour recruter dans l’industrie",
    summary=(
        "Une dizaine d’entreprises industrielles du Châtelleraudais ont ouvert une plateforme "
        "de recrutement commune avec France Travail et la mission locale. Les demandeurs "
        "d’emploi y découvrent les métiers de l’usinage et de la maintenance lors de visites "
        "d’ateliers. Une formation courte de douze semaines, financée par la Région "
        "Nouvelle-Aquitaine, prépare ensuite aux postes proposés."
    ),
)
OTHER = Item(
    url="https://www.sudouest.fr/landes/forum-de-l-emploi-saisonnier",
    title="Landes : le forum de l’emploi saisonnier attire les employeurs du tourisme",
    summary=(
        "France Travail et la mission locale des Landes ont réuni une soixantaine "
        "d’employeurs du tourisme qui recrutent pour la saison. Les candidats ont passé des "
        "entretiens sur place."
    ),
)


def load(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((FIXTURES / name).read_text("utf-8"))
    return rows


def feed(topic: Topic, name: str = "a") -> Source:
    return Source.objects.create(topic=topic, url=f"https://{name}.example.org/feed.xml")


def scooped_post(
    topic: Topic, item: Item, url: str | None = None, status: str = Post.Status.PUBLISHED
) -> Post:
    url = url or item.url
    return Post.objects.create(
        topic=topic,
        url=url,
        normalized_url=url_key(url),
        title=item.title,
        slug="scooped",
        summary=item.summary,
        curated_by=topic.owner,
        status=status,
    )


def test_simhash_threshold_separates_same_stories_from_different_ones() -> None:
    items = load("items.json")
    rewrites = load("rewrites.json")
    signature = {row["url"]: stories.signature(row["title"], row["summary"]) for row in items}
    same = []
    different = [
        stories.distance(signature[a["url"]], signature[b["url"]])
        for a, b in itertools.combinations(items, 2)
    ]
    for row in rewrites:
        rewritten = stories.signature(row["title"], row["summary"])
        same.append(stories.distance(rewritten, signature[row["of"]]))
        different += [
            stories.distance(rewritten, signature[other["url"]])
            for other in items
            if other["url"] != row["of"]
        ]
    print(
        f"\nSimHash distances: same story {min(same)}–{max(same)} ({len(same)} rewrites); "
        f"different stories ≥ {min(different)}, median {statistics.median(different)} "
        f"({len(different)} pairs); threshold {stories.THRESHOLD}"
    )
    assert max(same) <= stories.THRESHOLD < min(different)
    assert stories.signature("", "") == 0
    assert -(2**63) <= signature[items[0]["url"]] < 2**63


def test_signatures_at_once_find_what_same_story_finds_one_by_one() -> None:
    rows = load("items.json") + load("rewrites.json")
    signed = [stories.signature(row["title"], row["summary"]) for row in rows]
    signed.insert(3, 0)  # a text without words: never the same as anything
    told = stories.Signatures(signed[:20])
    for position, signature in enumerate(signed):
        expected = next(
            (n for n, other in enumerate(signed[:20]) if stories.same_story(signature, other)),
            -1,
        )
        assert told.first_same(signature) == expected, position
    assert told.first_same(0) == -1
    # The newest first: a pushed story is found before an older one of the same story.
    told.push(signed[25])
    assert told.first_same(signed[25]) == 0
    assert len(told) == 21
    assert stories.Signatures([]).first_same(signed[0]) == -1
    # Signed 64-bit values, as the database stores them, compare as their bits.
    negative = next(value for value in signed if value < 0)
    assert stories.Signatures([negative]).first_same(negative ^ 0b111) == 0


@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_a_growing_pool_enqueues_one_rescore_for_all_its_growth() -> None:
    topic = make_topic(title="Emploi et formation")
    items = [
        Item(url=f"https://n{n}.example.org/story", title=f"{row['title']}", summary=row["summary"])
        for n, row in enumerate(load("items.json"))
    ]
    source = feed(topic)
    for start in range(0, len(items), 5):
        candidates.take(source, items[start : start + 5])
    assert Candidate.objects.filter(topic=topic).count() > 30
    waiting = DBTaskResult.objects.filter(task_path__endswith="rescore_topic", status="READY")
    assert [row.args_kwargs["args"] for row in waiting] == [[topic.pk]]
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )
    # Once it ran, the next growth enqueues again, once.
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert rescore_soon(topic.pk) is True
    assert rescore_soon(topic.pk) is False
    assert rescore_soon(make_topic(title="Autre").pk) is True


def test_a_whole_article_in_a_summary_is_read_to_a_bound() -> None:
    head = (STORY.summary + " ") * 20
    head = head[: stories.SUMMARY_CHARS]
    tail = " Football, rugby, concert et immobilier." * 500
    assert stories.signature(STORY.title, head + tail) == stories.signature(STORY.title, head)
    current = ranking.profile(make_topic(title="Emploi"))
    assert ranking.score(current, "", head + tail, None) == ranking.score(current, "", head, None)


def test_same_story_three_urls_two_feeds_retitled_makes_one_candidate() -> None:
    topic = make_topic()
    first, second = feed(topic, "a"), feed(topic, "b")
    retitled = Item(
        url="https://actu.fr/nouvelle-aquitaine/chatellerault/plateforme-recrutement",
        title="Châtellerault : les industriels ouvrent une plateforme de recrutement commune",
        summary=STORY.summary,
    )

    made = candidates.take(
        first, [Item(STORY.url + "?utm_source=rss&utm_medium=feed", STORY.title, STORY.summary)]
    )
    made += candidates.take(
        second,
        [
            Item(STORY.url + "?fbclid=IwAR0abc", STORY.title, STORY.summary),
            Item(STORY.url + "?xtor=RSS-3#commentaires", STORY.title, STORY.summary),
            retitled,
        ],
    )

    leaders = Candidate.objects.filter(topic=topic, group__isnull=True)
    assert leaders.count() == 1
    leader = leaders.get()
    assert leader.url_key == url_key(STORY.url)
    assert set(leader.sources.all()) == {first, second}
    # The retitled copy is remembered in the leader's group (its URL never comes back).
    assert list(Candidate.objects.filter(group=leader.pk).values_list("url", flat=True)) == [
        retitled.url
    ]
    assert made == 2
    assert candidates.take(second, [retitled, Item(STORY.url, STORY.title)]) == 0


def test_story_already_scooped_gives_no_candidate() -> None:
    topic = make_topic()
    source = feed(topic)
    scooped_post(topic, STORY)  # same URL
    # Scooped for review (a draft) under another URL.
    scooped_post(topic, OTHER, url="https://www.lesechos.fr/landes-forum", status=Post.Status.DRAFT)
    retold = Item(OTHER.url, "Forum de l’emploi saisonnier dans les Landes", OTHER.summary)

    assert candidates.take(source, [Item(STORY.url + "?utm_campaign=x", STORY.title), retold]) == 0
    assert not Candidate.objects.filter(topic=topic).exists()


def test_discarded_candidate_and_its_story_never_come_back() -> None:
    topic = make_topic()
    source = feed(topic)
    assert candidates.take(source, [STORY]) == 1
    Candidate.objects.filter(topic=topic).update(status=Candidate.Status.DISCARDED)
    retitled = Item(
        "https://actu.fr/chatellerault", "Recruter dans l’industrie à Châtellerault", STORY.summary
    )

    assert candidates.take(feed(topic, "b"), [STORY, retitled]) == 0
    assert Candidate.objects.filter(topic=topic).count() == 1


def test_engine_filters_domains_words_and_age() -> None:
    topic = make_topic()
    EngineSettings.objects.create(
        topic=topic,
        excluded_domains="sudouest.fr",
        any_words="emplois\nformation",
        none_words="emploi du temps",
        max_age_days=10,
    )
    source = feed(topic)
    now = timezone.now()
    items = [
        STORY,  # "emploi" is "emplois" once analysed
        OTHER,  # excluded domain (a subdomain would be too)
        Item(
            "https://www.lanouvellerepublique.fr/edt",
            "L’emploi du temps des collégiens",
            "Emploi du temps.",
        ),
        Item(
            "https://www.lanouvellerepublique.fr/vieux",
            STORY.title + " (2019)",
            STORY.summary,
            published=now - timedelta(days=11),
        ),
        Item("https://www.lanouvellerepublique.fr/foot", "Football à Poitiers", "Le club gagne."),
    ]
    assert candidates.take(source, items) == 1
    assert Candidate.objects.get(topic=topic).url == STORY.url

    EngineSettings.objects.filter(topic=topic).update(
        excluded_domains="", included_domains="sudouest.fr", any_words="", none_words="",
        all_words="mission locale\ntourisme",
    )  # fmt: skip
    topic = Topic.objects.get(pk=topic.pk)
    assert (
        candidates.take(
            Source.objects.get(pk=source.pk),
            [OTHER, Item("https://blog.sudouest.fr/x", "Mission locale", "")],
        )
        == 1
    )
    assert Candidate.objects.filter(topic=topic, url=OTHER.url).exists()


def test_items_below_the_topics_minimum_score_are_left_out() -> None:
    topic = make_topic(title="Emploi et formation")
    EngineSettings.objects.create(topic=topic, min_score=0.5)
    football = Item("https://example.org/foot", "Football : derby à Poitiers", "Le club gagne.")
    assert candidates.take(feed(topic), [STORY, football]) == 1
    candidate = Candidate.objects.get(topic=topic)
    assert candidate.url == STORY.url and candidate.score >= 0.5


def test_a_batch_raced_by_another_worker_goes_in_row_by_row() -> None:
    topic = make_topic()
    source = feed(topic)
    candidates.take(source, [STORY])
    raced = Candidate.objects.get(topic=topic)
    batch = [
        Candidate(topic=topic, url=STORY.url, url_key=raced.url_key, title="Doublon"),
        Candidate(topic=topic, url=OTHER.url, url_key=url_key(OTHER.url), title=OTHER.title),
    ]
    assert candidates._insert(topic, batch) == {url_key(OTHER.url)}
    assert Candidate.objects.filter(topic=topic).count() == 2
    assert Candidate.objects.get(pk=raced.pk).title == STORY.title


def test_disabled_engine_makes_no_candidate() -> None:
    topic = make_topic()
    EngineSettings.objects.create(topic=topic, enabled=False)
    assert candidates.take(feed(topic), [STORY]) == 0


def test_keyword_watch_of_another_topic_gets_matching_items(
    django_assert_max_num_queries: Any,
) -> None:
    polled = make_topic()
    watching, other = make_topic(), make_topic()
    watch = Source.objects.create(
        topic=watching, kind=Source.Kind.KEYWORD, query='"missions locales" France Travail'
    )
    Source.objects.create(topic=other, kind=Source.Kind.KEYWORD, query="Vendée Globe")
    source = feed(polled)
    football = Item("https://example.org/foot", "Football : derby à Poitiers", "Le club gagne.")
    # Its words, but not the phrase.
    apart = Item("https://example.org/apart", "Travail en France", "Une mission très locale.")

    assert candidates.take(source, [STORY, OTHER, football, apart]) == 6

    assert Candidate.objects.filter(topic=polled).count() == 4
    found = Candidate.objects.filter(topic=watching)
    assert {c.url for c in found} == {STORY.url, OTHER.url}
    assert all(list(c.sources.all()) == [watch] for c in found)
    assert not Candidate.objects.filter(topic=other).exists()
    # The watches are read in one query, whatever their number.
    for n in range(20):
        Source.objects.create(topic=make_topic(), kind=Source.Kind.KEYWORD, query=f"mot{n}")
    with django_assert_max_num_queries(12):
        assert candidates.take(source, [STORY, OTHER, football, apart]) == 0


def test_keyword_watch_terms() -> None:
    assert candidates.watch_terms('"mission locale" des jeunes', "fr") == [
        ("mission", "local"),
        ("jeun",),
    ]
    assert candidates.watch_terms("emplois", "fr") == [("emploi",)]
    assert candidates.watch_terms('"" de', "fr") == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_the_same_items_make_each_candidate_once() -> None:
    topic = make_topic()
    first, second = feed(topic, "a"), feed(topic, "b")
    items = [
        Item(f"https://example.org/{row['url'].rsplit('/', 1)[-1]}", row["title"], row["summary"])
        for row in load("items.json")
    ]
    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def work(source: Source) -> None:
        try:
            barrier.wait()
            made.append(candidates.take(source, items))
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert Candidate.objects.filter(topic=topic).count() == len(items)
    assert sum(made) == len(items)
    # The loser of each race lists its source on the winner's candidate.
    through = Candidate.sources.through.objects.filter(candidate__topic=topic)
    assert through.count() == 2 * len(items)
