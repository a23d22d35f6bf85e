"""Topics, posts, tags and who may curate what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def topic_path(slug: str) -> str:
    return reverse("curation:topic", kwargs={"slug": slug})


def post_path(topic_slug: str, post_id: int, post_slug: str) -> str:
    """A post's page; also for views that read plain rows rather than models."""
    return reverse(
        "curation:post",
        kwargs={"slug": topic_slug, "post_id": post_id, "post_slug": post_slug or "-"},
    )


class Topic(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        UNLISTED = "unlisted", _("Unlisted")
        PRIVATE = "private", _("Private")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Themes offered as tags, one per line ("theme: words that signal it, …"); empty: the
    # default list of employment and training themes (data/tag_themes_fr.txt).
    tag_vocabulary = models.TextField(
        _("tag vocabulary"),
        blank=True,
        help_text=_(
            "One theme per line: “theme: words that signal it, separated by commas”. "
            "Empty: the default themes of employment and training."
        ),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_topics"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Views counted before the topic came here (e.g. Scoop.it's total at import time).
    historical_views = models.PositiveBigIntegerField(_("historical views"), default=0)
    # Moved when a post or a tag link is removed; with MAX(post.updated_at) it makes the
    # topic's content stamp (queries.topic_stamp) that cached fragments are keyed on.
    content_changed_at = models.DateTimeField(default=timezone.now)
    # Moved by the search index step after it wrote this topic's posts: cached search
    # results are keyed on it too (search.views), as what a search finds changes then.
    indexed_at = models.DateTimeField(default=timezone.now)
    # Where an imported topic came from, so a second import finds it again.
    import_key = models.CharField(max_length=255, blank=True, db_index=True)
    # Contributors' posts wait for an editor's approval instead of going out (access.py).
    contributors_need_approval = models.BooleanField(
        _("contributors' posts wait for approval"),
        default=False,
        help_text=_("An editor or the owner publishes what a contributor proposes."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.path

    @cached_property
    def path(self) -> str:
        return topic_path(self.slug)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")
        CONTRIBUTOR = "contributor", _("Contributor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="membership_unique_user_topic")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.topic}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def slug_for(name: str) -> str:
        return slugify(name.strip(), allow_unicode=True)[:100]


class Post(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        FETCHING = "fetching", _("Fetching")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        BLOCKED = "blocked", _("Blocked")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PENDING = "pending", _("Awaiting approval")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    normalized_url = models.CharField(max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=500)
    slug = models.SlugField(max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    insight = models.TextField(_("insight"), blank=True, help_text=_("Markdown"))
    insight_html = models.TextField(blank=True, editable=False)
    main_text = models.TextField(blank=True)
    image_url = models.URLField(_("image URL"), max_length=2000, blank=True)
    site_name = models.CharField(_("site name"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    via = models.CharField(_("via"), max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)
    source_published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    curated_at = models.DateTimeField(_("curated"), default=timezone.now)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_posts",
    )
    tags: models.ManyToManyField[Tag, PostTag] = models.ManyToManyField(
        Tag, through="PostTag", related_name="posts", blank=True
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescoops"
    )
    # The origin topic's title, kept when the origin is not on this instance (imports).
    rescooped_from = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.READY)
    state_error = models.TextField(blank=True)
    fetch_attempts = models.PositiveSmallIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    # Images found on the source page, best first, for the curator's image picker.
    image_candidates = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    publish_at = models.DateTimeField(null=True, blank=True)
    # What the editor said when sending a contributor's post back (shown on the draft).
    review_note = models.TextField(_("editor's note"), blank=True)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    historical_views = models.PositiveBigIntegerField(default=0)
    import_key = models.CharField(max_length=255, blank=True)
    # Fields a person set (typed when scooping, or edited): extraction never writes them.
    edited_fields = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-curated_at", "-id"]
        indexes = [
            models.Index(
                fields=["topic", "status", "-pinned", "-curated_at", "-id"], name="post_stream"
            ),
            models.Index(fields=["status", "publish_at"], name="post_due"),
            # Feeds and the reading list ignore pinning.
            models.Index(fields=["topic", "status", "-curated_at", "-id"], name="post_feed"),
            # The topic's content stamp (queries.topic_stamp) reads MAX(updated_at) from it.
            models.Index(fields=["topic", "updated_at"], name="post_topic_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "normalized_url"],
                condition=~Q(normalized_url=""),
                name="post_unique_url_per_topic",
            ),
            models.UniqueConstraint(
                fields=["topic", "import_key"],
                condition=~Q(import_key=""),
                name="post_unique_import_key_per_topic",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.path

    @cached_property
    def path(self) -> str:
        # Cached: a card links to its post several times, and reverse() adds up over a page.
        return post_path(self.topic.slug, self.pk, self.slug)

    @cached_property
    def actions_path(self) -> str:
        """Prefix of the post's action URLs (edit/, delete/, pin/, rescoop/…)."""
        return f"{self.topic.get_absolute_url()}p/{self.pk}/"


class PostTag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    # Denormalised so that a topic's popular tags are counted from one index.
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="posttag_unique")]
        indexes = [
            models.Index(fields=["topic", "tag"], name="posttag_topic_tag"),
            models.Index(fields=["tag", "post"], name="posttag_tag_post"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.tag_id}"


class PostStep(models.Model):
    """How one step of the pipeline went for one post, after the page was read (whose
    outcome is ``Post.state``): search indexing now, NLP and federation next. A failed step
    keeps its reason and can be run again alone (``pipeline.retry_step``)."""

    class State(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "name"], name="poststep_unique")]
        indexes = [models.Index(fields=["name", "state"], name="poststep_name_state")]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.name}={self.state}"

    @property
    def label(self) -> str:
        from .pipeline import step_label  # the pipeline knows the steps apps registered

        return step_label(self.name)


class AuditEntry(models.Model):
    """One change to who does what in a topic (members, invitations, roles, the approval
    setting, approvals and refusals), written by the services that make it (audit.py)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    # The words of the entry's parameters (a username, a role, a post's title), as they were.
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.action}"
