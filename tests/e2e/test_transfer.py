"""A curator imports a bookmarks file from the topic's page, watches the progress bar, and
downloads the topic's export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from glaneur.curation.models import Post
from glaneur.transfer.jobs import run_import_job
from glaneur.transfer.models import ImportJob
from tests.factories import make_topic, make_user

BOOKMARKS = Path(__file__).parents[1] / "fixtures" / "transfer" / "bookmarks-firefox.html"


@pytest.mark.django_db(transaction=True)
def test_import_bookmarks_with_a_progress_bar_then_export(page: Any, log_in: Any) -> None:
    curator = make_user("curatrice", first_name="Cap Métiers NA")
    topic = make_topic(curator, title="Initiatives locales", slug="initiatives-locales")
    log_in(curator)

    page.goto(topic.get_absolute_url())
    page.locator(f'a[href="{reverse("transfer:topic", args=[topic.slug])}"]').click()
    page.locator('input[type="file"]').set_input_files(str(BOOKMARKS))
    page.locator("form.stacked button[type=submit]").click()

    job_box = page.locator(".import-job").first
    expect(job_box.locator("progress")).to_be_visible()
    expect(job_box).to_have_attribute("data-hx-trigger", "every 1s")
    # The worker's part, run here: the page learns the outcome by polling.
    run_import_job(ImportJob.objects.get().pk)
    expect(job_box.locator('progress[value="100"]')).to_be_visible()
    expect(page.locator(".import-job").first).not_to_have_attribute("data-hx-trigger", "every 1s")
    assert Post.objects.filter(topic=topic).count() == 3

    with page.expect_download() as download:
        page.locator(f'a[href="{reverse("transfer:export", args=[topic.slug, "json"])}"]').click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert len(exported["posts"]) == 3
