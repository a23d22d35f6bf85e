"""What the running processes share through the database: when each periodic job may next
run, and which workers are alive."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScheduledJob(models.Model):
    """When a periodic job may next run; claimed with one conditional UPDATE, so however
    many workers run the scheduler, each run happens once."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_owner = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class WorkerProcess(models.Model):
    """A running ``glaneur worker``, as last seen: its heartbeat renews the lease on the
    tasks it claimed; a worker unseen for longer than the lease is presumed dead and its
    tasks are handed to another (runtime.workers)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
