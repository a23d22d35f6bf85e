"""Daily view counters; one row per object and day, incremented in the database."""

from __future__ import annotations

from django.db import models

from glaneur.curation.models import Post, Topic


class TopicDailyViews(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "day"], name="topicdailyviews_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.day}: {self.count}"


class PostDailyViews(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="postdailyviews_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.day}: {self.count}"


class PostDailyClicks(models.Model):
    """Readers who followed a post's link to its source, per day: counted by the ping the
    browser sends to us (no redirect, no cookie), once per client address, post and day."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_clicks")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="postdailyclicks_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.day}: {self.count} clicks"
