"""Saving a post never indexes it in the saving process: the worker does, after the commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from glaneur.curation import services as curation
from glaneur.curation.models import Topic
from glaneur.search.services import search
from glaneur.search.tasks import index_posts
from tests.processes import child_env, run_glaneur


@pytest.mark.django_db(transaction=True)
def test_a_saved_post_is_indexed_by_the_worker_after_the_commit(
    topic: Topic, curator: Any, settings: Any
) -> None:
    settings.GLANEUR_INDEX_IN_WORKER = True
    post = curation.create_post(topic, by=curator, title="Forum de l'alternance")
    assert search("alternance", topic=topic).hits == []
    task = DBTaskResult.objects.get(task_path=index_posts.module_path)
    assert post.pk in task.args_kwargs["args"][0]
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )
    assert [hit.post.pk for hit in search("alternance", topic=topic).hits] == [post.pk]


@pytest.mark.django_db(transaction=True)
def test_a_process_that_saves_a_post_never_loads_the_lemma_tables(topic: Topic) -> None:
    script = (
        "from glaneur.curation.models import Topic;"
        "from glaneur.curation.services import create_post;"
        "from glaneur.search import analysis;"
        f"t = Topic.objects.get(pk={topic.pk});"
        "create_post(t, by=t.owner, title='Emplois saisonniers à Agen', summary='Des emplois');"
        "import sys; print('spaCy loaded:', 'spacy' in sys.modules)"
    )
    done = run_glaneur("shell", "-c", script, env=child_env(GLANEUR_INDEX_IN_WORKER="1"))
    assert done.returncode == 0, done.stderr
    assert "spaCy loaded: False" in done.stdout
    assert DBTaskResult.objects.filter(task_path=index_posts.module_path).count() == 1
