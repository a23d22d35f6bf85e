"""The worker's loop outlives a database that fails under it, and loses no task."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from tests.processes import task_loop
from tests.runtime.slow_tasks import slow_mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_whose_outcome_could_not_be_recorded_runs_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_mail.enqueue(0)
    failures = {"set_successful": 1, "set_failed": 1}
    originals = {name: getattr(DBTaskResult, name) for name in failures}

    def flaky(name: str) -> Any:
        def record(self: DBTaskResult[Any, Any], *args: Any) -> None:
            if failures[name]:
                failures[name] -= 1
                raise OperationalError("database is locked")
            originals[name](self, *args)

        return record

    for name in failures:
        monkeypatch.setattr(DBTaskResult, name, flaky(name))
    monkeypatch.setattr("glaneur.runtime.management.commands.worker.RESTART_PAUSE", 0)
    task_loop("test").run()
    assert failures == {"set_successful": 0, "set_failed": 0}  # both failed once
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids == ["test", "test"]  # handed back, then run again
