"""``glaneur analyse (POST_ID | --topic SLUG | --all) [--json]``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from glaneur.curation.models import Post, Topic
from glaneur.enrich.models import Quote
from tests.enrich.conftest import post_with
from tests.factories import make_topic

pytestmark = pytest.mark.django_db


def test_analyse_one_post_prints_its_actors_and_quotes_as_json(topic: Topic) -> None:
    post = post_with(topic)  # saved in the test's transaction: not analysed yet
    assert not Quote.objects.exists()
    out = StringIO()
    call_command("analyse", str(post.pk), "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    [result] = data["posts"]
    assert result["id"] == post.pk and data["failed"] == {}
    assert {"name": "Anne Roux", "role": "directrice de la mission locale"}.items() <= next(
        a for a in result["actors"] if a["kind"] == "PER"
    ).items()
    assert [q["speaker"] for q in result["quotes"]] == ["Anne Roux", "Anne Roux"]


def test_analyse_a_topic_or_all_with_progress(topic: Topic) -> None:
    first = post_with(topic)
    other = make_topic(title="Autre", slug="autre")
    post_with(other, "« Nous recrutons vingt personnes avant l'été », annonce Paul Girard.")
    out, err = StringIO(), StringIO()
    call_command("analyse", "--topic", topic.slug, stdout=out, stderr=err)
    assert set(Quote.objects.values_list("post_id", flat=True)) == {first.pk}
    assert "1/1" in err.getvalue() and "1 post(s) analysé(s), 0 en échec" in out.getvalue()
    call_command("analyse", "--all", stdout=out, stderr=err)
    assert Quote.objects.values("post_id").distinct().count() == Post.objects.count() == 2


def test_analyse_needs_one_choice_and_existing_things(topic: Topic) -> None:
    with pytest.raises(CommandError):
        call_command("analyse", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("analyse", "1", "--all", stdout=StringIO())
    with pytest.raises(CommandError, match="9999"):
        call_command("analyse", "9999", stdout=StringIO())
    with pytest.raises(CommandError, match="nope"):
        call_command("analyse", "--topic", "nope", stdout=StringIO())
