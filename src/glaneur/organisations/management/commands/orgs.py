"""``glaneur orgs create|add-topic|domain add|domain verify``: organisations from the command
line (the operator acts for the organisation's administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.organisations import services
from glaneur.organisations.models import Domain, Organisation


class Command(BaseCommand):
    help = "Create organisations, add topics to them, add and verify their custom domains."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="a new organisation")
        create.add_argument("slug")
        create.add_argument("name")
        create.add_argument("--admin", help="username of its first administrator")
        add_topic = actions.add_parser("add-topic", help="a topic joins an organisation")
        add_topic.add_argument("organisation", help="the organisation's slug")
        add_topic.add_argument("topic", help="the topic's slug")
        domain = actions.add_parser("domain", help="custom domains: add, verify")
        domain_actions = domain.add_subparsers(dest="domain_action", required=True)
        domain_add = domain_actions.add_parser("add", help="a pending domain and its token")
        domain_add.add_argument("organisation", help="the organisation's slug")
        domain_add.add_argument("host")
        verify = domain_actions.add_parser("verify", help="check its DNS TXT record now")
        verify.add_argument("host")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            action = options["action"]
            if action == "create":
                self._create(options["slug"], options["name"], options["admin"])
            elif action == "add-topic":
                organisation = self._organisation(options["organisation"])
                topic = Topic.objects.filter(slug=options["topic"]).first()
                if topic is None:
                    raise CommandError(_("no topic “%(slug)s”") % {"slug": options["topic"]})
                services.add_topic(organisation, topic, by=None)
                self.stdout.write(f"{topic.slug} -> {organisation.slug}")
            elif options["domain_action"] == "add":
                organisation = self._organisation(options["organisation"])
                domain = services.add_domain(organisation, options["host"], by=None)
                self.stdout.write(
                    _("Publish this TXT record, then run `glaneur orgs domain verify %(host)s`:")
                    % {"host": domain.host}
                )
                self.stdout.write(f'{domain.record_name}. TXT "{domain.token}"')
            else:
                self._verify(options["host"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(_("no organisation “%(slug)s”") % {"slug": slug})
        return organisation

    def _create(self, slug: str, name: str, admin: str | None) -> None:
        user = None
        if admin:
            user = get_user_model().objects.filter(username=admin).first()
            if user is None:
                raise CommandError(_("no user “%(name)s”") % {"name": admin})
        organisation = services.create_organisation(slug=slug, name=name, by=user)
        self.stdout.write(organisation.slug)

    def _verify(self, host: str) -> None:
        domain = Domain.objects.select_related("organisation").filter(host=host.lower()).first()
        if domain is None:
            raise CommandError(_("no domain “%(host)s”") % {"host": host})
        domain = services.verify_domain(domain)
        self.stdout.write(f"{domain.host}: {domain.status}")
        if domain.status != Domain.Status.VERIFIED:
            raise CommandError(domain.last_error)
