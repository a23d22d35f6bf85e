"""The index in time shards: posts land in the shard of their id, a search walks the
shards newest first and stops once it has its candidates, edits and deletes reach old
shards, and a shard table left over from before a flush is replaced, not reused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from glaneur.curation.models import Post, Topic
from glaneur.curation.services import update_post
from glaneur.search.backends import get_backend, shards
from glaneur.search.models import SearchShard
from glaneur.search.query_language import parse
from glaneur.search.services import index_posts, merge_shards, rebuild, remove_posts, search
from tests.factories import make_posts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(get_backend()), "shard_size", 3)


def titles(query: str, **kwargs: Any) -> list[str]:
    return [hit.post.title for hit in search(query, **kwargs).hits]


def test_posts_are_spread_over_the_shards_of_their_ids(topic: Topic) -> None:
    posts = make_posts(topic, 10)
    index_posts(post.pk for post in posts)
    expected = sorted({(post.pk // 3 * 3, post.pk // 3 * 3 + 3) for post in posts})
    assert sorted(SearchShard.objects.values_list("start", "stop")) == expected
    assert get_backend().indexed() == {post.pk for post in posts}
    assert len(search("summary", per_page=50).hits) == 10


def test_a_search_ranks_the_newest_candidates_across_shards(topic: Topic) -> None:
    posts = make_posts(topic, 10)
    index_posts(post.pk for post in posts)
    found = get_backend().rank(parse("summary").tree, topic_id=None, limit=4)  # type: ignore[arg-type]
    newest = sorted((post.pk for post in posts), reverse=True)
    assert sorted((post_id for post_id, _ in found), reverse=True) == newest[:4]


def test_the_best_across_shards_are_kept_best_first(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    # Title matches score above body matches: spread over shards of three ids, so that
    # every batch of the walk (2, 8, the rest) holds some of each.
    for n in range(36):
        title = f"Forum de l'alternance {n}" if n % 5 == 0 else f"Rencontre {n}"
        write_post(topic, title, main_text="Un mot sur l'alternance.")
    tree = parse("alternance").tree
    every = get_backend().rank(tree, topic_id=None, limit=1000)  # type: ignore[arg-type]
    assert len(every) == 36
    assert every == sorted(every, key=lambda hit: (hit[1], hit[0]), reverse=True)
    best = get_backend().rank(tree, topic_id=None, limit=1000, best=5)  # type: ignore[arg-type]
    assert best == every[:5]
    forums = set(Post.objects.filter(title__startswith="Forum").values_list("pk", flat=True))
    assert {pk for pk, _ in best} <= forums


@override_settings(GLANEUR_SEARCH_CANDIDATES=4)
def test_the_candidate_bound_spans_shards_in_a_topic_search(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    for n in range(8):
        write_post(topic, f"Forum de l'alternance numéro {n}")
    found = titles("alternance", topic=topic)
    assert sorted(found) == [f"Forum de l'alternance numéro {n}" for n in range(4, 8)]


def test_an_edit_and_a_delete_reach_an_old_shard(
    topic: Topic, curator: Any, write_post: Callable[..., Post]
) -> None:
    old = write_post(topic, "Forum de l'alternance")
    for n in range(7):
        write_post(topic, f"Salon {n}")
    update_post(old, by=curator, title="Forum de l'apprentissage")
    index_posts([old.pk])
    assert titles("apprentissage") == ["Forum de l'apprentissage"]
    assert titles("alternance") == []
    remove_posts([old.pk])
    assert titles("apprentissage") == []
    assert old.pk not in get_backend().indexed()


def test_a_shard_table_missing_from_the_registry_is_replaced(topic: Topic) -> None:
    posts = make_posts(topic, 2)
    index_posts(post.pk for post in posts)
    # What a test flush does: the registry is emptied, the shard tables stay with stale rows.
    SearchShard.objects.all().delete()
    assert search("summary").hits == []
    index_posts([posts[0].pk])
    assert get_backend().indexed() == {posts[0].pk}


def test_rebuild_with_worker_processes_gives_the_same_index(topic: Topic) -> None:
    posts = make_posts(topic, 9, tags_per_post=2)
    assert rebuild(chunk=2, workers=2) == 9
    assert get_backend().indexed() == {post.pk for post in posts}
    parallel = sorted(get_backend().rank(parse("summary").tree, topic_id=None, limit=50))  # type: ignore[arg-type]
    assert rebuild(chunk=4, workers=1) == 9
    assert sorted(get_backend().rank(parse("summary").tree, topic_id=None, limit=50)) == parallel  # type: ignore[arg-type]
    assert len(parallel) == 9


def test_rebuild_and_clear_drop_every_shard(topic: Topic) -> None:
    posts = make_posts(topic, 7)
    index_posts(post.pk for post in posts[:2])
    assert rebuild() == 7
    assert get_backend().indexed() == {post.pk for post in posts}
    tables = {shards.table(n) for n in SearchShard.objects.values_list("number", flat=True)}
    get_backend().clear()
    assert not SearchShard.objects.exists()
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    assert not tables & existing


def test_a_rare_word_in_the_oldest_shard_costs_three_statements(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    write_post(topic, "Forum de l'alternance")
    for n in range(36):
        write_post(topic, f"Salon {n}")
    assert SearchShard.objects.count() >= 12
    with CaptureQueriesContext(connection) as queries:
        found = get_backend().rank(parse("alternance").tree, topic_id=None, limit=1000)  # type: ignore[arg-type]
    assert len(found) == 1
    # The registry, the newest two shards, the next eight, then all the older ones.
    assert len(queries) == 4


@pytest.fixture
def archives(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild keeps the newest 6 ids in shards of 3 and archives the others by 12."""
    monkeypatch.setattr(type(get_backend()), "archive_factor", 4)
    monkeypatch.setattr(type(get_backend()), "recent_posts", 6)


def ranges() -> list[tuple[int, int]]:
    return list(SearchShard.objects.order_by("start").values_list("start", "stop"))


def assert_disjoint_and_covering(post_ids: set[int]) -> None:
    spans = ranges()
    assert all(stop <= next_start for (_, stop), (next_start, _) in pairwise(spans))
    assert all(any(lo <= pk < hi for lo, hi in spans) for pk in post_ids)


def test_a_rebuild_archives_older_posts_in_larger_shards(topic: Topic, archives: None) -> None:
    posts = make_posts(topic, 30)
    newest = max(post.pk for post in posts)
    assert rebuild(chunk=7) == 30
    below = max(0, newest - 6) // 12 * 12
    spans = ranges()
    assert {hi - lo for lo, hi in spans if hi <= below} == ({12} if below else set())
    assert {hi - lo for lo, hi in spans if lo >= below} == {3}
    assert_disjoint_and_covering({post.pk for post in posts})
    assert get_backend().indexed() == {post.pk for post in posts}
    found = get_backend().rank(parse("summary").tree, topic_id=None, limit=5)  # type: ignore[arg-type]
    assert sorted(pk for pk, _ in found) == sorted(post.pk for post in posts)[-5:]


def test_after_a_rebuild_new_posts_get_small_shards_and_old_ones_stay_in_theirs(
    topic: Topic, curator: Any, archives: None, write_post: Callable[..., Post]
) -> None:
    old = write_post(topic, "Forum de l'alternance")
    make_posts(topic, 20)
    rebuild()
    archived = get_backend().number_of(old.pk)  # type: ignore[attr-defined]
    start, stop = SearchShard.objects.values_list("start", "stop").get(number=archived)
    assert stop - start == 12
    fresh = [write_post(topic, f"Salon {n}") for n in range(4)]
    assert {hi - lo for lo, hi in ranges() if lo > max(p.pk for p in fresh) - 3} == {3}
    update_post(old, by=curator, title="Forum de l'apprentissage")
    index_posts([old.pk])
    assert get_backend().number_of(old.pk) == archived  # type: ignore[attr-defined]
    assert titles("apprentissage") == ["Forum de l'apprentissage"]
    assert titles("alternance") == []
    remove_posts([old.pk])
    assert old.pk not in get_backend().indexed()
    assert_disjoint_and_covering({post.pk for post in fresh})


def test_the_worker_gathers_the_small_shards_of_older_posts(
    topic: Topic, curator: Any, archives: None
) -> None:
    posts = make_posts(topic, 30)
    ids = {post.pk for post in posts}
    below = max(0, max(ids) - 6) // 12 * 12
    # A post of an archive cell whose four small shards all exist, so that it is merged.
    old = next(p for p in posts if min(ids) <= p.pk // 12 * 12 and p.pk // 12 * 12 + 12 <= below)
    Post.objects.filter(pk=old.pk).update(title="Forum de l'alternance")
    old.refresh_from_db()
    index_posts(ids)
    tree = parse("summary OR alternance").tree
    found = get_backend().rank(tree, topic_id=None, limit=1000)  # type: ignore[arg-type]
    before = {post_id for post_id, _ in found}
    assert {hi - lo for lo, hi in ranges()} == {3}
    assert merge_shards() >= 1
    spans = ranges()
    # Below the newest posts no archive cell keeps two small shards; the newest stay small.
    small = Counter(lo // 12 for lo, hi in spans if hi - lo == 3 and hi <= below)
    assert all(count == 1 for count in small.values())
    assert {hi - lo for lo, hi in spans if lo >= below} == {3}
    assert_disjoint_and_covering(ids)
    assert get_backend().indexed() == ids
    # The same matches (SQLite's bm25 scores change: they come from each shard's statistics).
    found = get_backend().rank(tree, topic_id=None, limit=1000)  # type: ignore[arg-type]
    assert {post_id for post_id, _ in found} == before == ids
    assert merge_shards() == 0  # nothing left to gather
    # The old post's row now lives in an archive shard: edits reach it there.
    archived = get_backend().number_of(old.pk)  # type: ignore[attr-defined]
    start, stop = SearchShard.objects.values_list("start", "stop").get(number=archived)
    assert stop - start == 12
    update_post(old, by=curator, title="Forum de l'apprentissage")
    index_posts([old.pk])
    assert titles("apprentissage") == ["Forum de l'apprentissage"]
    assert titles("alternance") == []


@pytest.mark.django_db(transaction=True)
def test_an_edit_during_a_merge_lands_in_the_archive_shard(
    topic: Topic, curator: Any, archives: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from django.db import connections

    posts = make_posts(topic, 30)
    index_posts(post.pk for post in posts)
    ids = sorted(post.pk for post in posts)
    below = max(0, ids[-1] - 6) // 12 * 12
    # A post of an archive cell whose four small shards all exist, so that it is merged.
    old = next(p for p in posts if ids[0] <= p.pk // 12 * 12 and p.pk // 12 * 12 + 12 <= below)
    backend_class = type(get_backend())
    real_copy = backend_class.copy_rows
    copying = threading.Event()

    def slow_copy(self: Any, cursor: Any, source: int, target: int) -> None:
        copying.set()
        time.sleep(0.3)  # the edit arrives while the small shards are locked
        real_copy(self, cursor, source, target)

    monkeypatch.setattr(backend_class, "copy_rows", slow_copy)
    errors: list[BaseException] = []

    def merge() -> None:
        try:
            merge_shards()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    merging = threading.Thread(target=merge)
    merging.start()
    assert copying.wait(10)
    Post.objects.filter(pk=old.pk).update(title="Forum de l'apprentissage")
    index_posts([old.pk])
    merging.join()
    assert errors == []
    assert titles("apprentissage") == ["Forum de l'apprentissage"]
    archived = get_backend().number_of(old.pk)  # type: ignore[attr-defined]
    start, stop = SearchShard.objects.values_list("start", "stop").get(number=archived)
    assert stop - start == 12
    assert get_backend().indexed() == {post.pk for post in posts}


def test_a_post_indexed_during_a_rebuild_keeps_the_shards_disjoint(
    topic: Topic, archives: None
) -> None:
    posts = make_posts(topic, 30)
    ids = sorted(post.pk for post in posts)
    rebuilding = type(get_backend())()
    rebuilding.begin_rebuild(ids[-1])
    # Another process saves an old post before the rebuild reaches it: a small shard.
    index_posts([ids[1]])
    from glaneur.search.services import _chunks_of_posts, _documents_of

    for batch in _chunks_of_posts(100):
        rebuilding.write(_documents_of(batch))
    rebuilding.end_rebuild()
    assert_disjoint_and_covering(set(ids))
    assert get_backend().indexed() == set(ids)


@pytest.mark.django_db(transaction=True)
def test_a_shard_dropped_during_a_search_is_not_an_error(
    topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = make_posts(topic, 4)
    index_posts(post.pk for post in posts)
    backend = get_backend()
    real = backend.shards
    stale = [
        max(real_number for real_number in SearchShard.objects.values_list("number", flat=True)) + 1
    ]
    calls: list[int] = []

    def registry(cursor: Any) -> list[int]:
        # The first read still lists a shard a concurrent rebuild has just dropped.
        calls.append(1)
        return (stale if len(calls) == 1 else []) + real(cursor)

    monkeypatch.setattr(backend, "shards", registry)
    found = backend.rank(parse("summary").tree, topic_id=None, limit=10)  # type: ignore[arg-type]
    assert {post_id for post_id, _ in found} == {post.pk for post in posts}
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_writers_that_open_the_same_new_shard_at_once_both_land(
    topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from django.db import connections

    backend_class = type(get_backend())
    real_create = backend_class.create_table

    def slow_create(self: Any, cursor: Any, number: int) -> None:
        real_create(self, cursor, number)
        time.sleep(0.3)  # the others arrive while this transaction is still open

    monkeypatch.setattr(backend_class, "create_table", slow_create)
    posts = make_posts(topic, 12)
    # The three posts of a shard not yet in the registry, indexed by three threads at once.
    newest = posts[-4].pk // 3
    ids = [post.pk for post in posts if post.pk // 3 == newest]
    assert len(ids) == 3
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def write(post_id: int) -> None:
        try:
            start.wait()
            index_posts([post_id])
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(post_id,)) for post_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(ids) <= get_backend().indexed()
    assert SearchShard.objects.filter(start=newest * 3).count() == 1


def test_a_long_post_is_stored_whole_and_found(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    # PostgreSQL: a search reads thousands of vectors, and one moved out of line (the
    # default past 2 kB) is read twice as slowly: the shard keeps vectors up to a page in
    # the row. 300 distinct words make a vector of about 4 kB.
    body = " ".join(f"mot{n}x" for n in range(300))
    post = write_post(topic, "Un long article", main_text=body)
    assert titles("mot299x") == ["Un long article"]
    if connection.vendor != "postgresql":
        return
    name = shards.table(get_backend().number_of(post.pk))  # type: ignore[attr-defined,arg-type]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reloptions, pg_relation_size(c.reltoastrelid) FROM pg_class c "
            "WHERE c.relname = %s",
            [name],
        )
        options, toasted = cursor.fetchone()
        cursor.execute(f"SELECT pg_column_size(document) FROM {name}")  # noqa: S608
        (size,) = cursor.fetchone()
        cursor.execute("SHOW random_page_cost")  # the connection's, for the plans (settings)
        (page_cost,) = cursor.fetchone()
    assert "toast_tuple_target=8160" in options
    assert size > 2000
    assert toasted == 0
    assert float(page_cost) == 1.1


@pytest.mark.django_db(transaction=True)
def test_searches_during_a_merge_neither_fail_nor_deadlock(
    topic: Topic, archives: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from django.db import connections

    posts = make_posts(topic, 30)
    ids = {post.pk for post in posts}
    index_posts(ids)
    backend_class = type(get_backend())
    real_drop = backend_class.drop_table
    dropping = threading.Event()

    def slow_drop(self: Any, cursor: Any, number: int) -> None:
        real_drop(self, cursor, number)
        if self.bulk is False and dropping.is_set():
            time.sleep(0.2)  # searches arrive between the drops of the small shards

    monkeypatch.setattr(backend_class, "drop_table", slow_drop)
    real_copy = backend_class.copy_rows

    def copy_then_signal(self: Any, cursor: Any, source: int, target: int) -> None:
        real_copy(self, cursor, source, target)
        dropping.set()

    monkeypatch.setattr(backend_class, "copy_rows", copy_then_signal)
    stop = threading.Event()
    errors: list[BaseException] = []
    found: list[set[int]] = []

    def searching() -> None:
        try:
            while not stop.is_set():
                page = search("summary", per_page=50)
                found.append({hit.post.pk for hit in page.hits})
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    searchers = [threading.Thread(target=searching) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        assert merge_shards() >= 1
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert errors == []
    assert found and all(hits == ids for hits in found)


def test_the_worker_schedules_the_merge_hourly_when_there_is_one(
    topic: Topic, archives: None
) -> None:
    from django_tasks_db.models import DBTaskResult

    from glaneur.runtime.jobs import jobs
    from glaneur.runtime.scheduler import run_due

    (job,) = [job for job in jobs() if job.name == "search-merge-shards"]
    assert job.every.total_seconds() == 3600
    queued = DBTaskResult.objects.filter(task_path="glaneur.search.tasks.merge_shards")
    assert "search-merge-shards" in run_due(owner="test")
    assert not queued.exists()  # no shard yet: nothing to merge, nothing queued
    index_posts(post.pk for post in make_posts(topic, 30))
    assert "search-merge-shards" in run_due(owner="test", now=timezone.now() + timedelta(hours=1))
    assert queued.count() == 1
