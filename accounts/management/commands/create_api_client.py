from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ApiClient


class Command(BaseCommand):
    help = "Prints a new API token for a calling system (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the calling system, e.g. app.micropim.net")

    def handle(self, *args: Any, **opts: Any) -> None:
        name = opts["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("NAME must be 1–100 characters")
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"an API client named {name!r} exists; revoke it in the admin first")
        _, token = ApiClient.issue(name)
        self.stdout.write(token)
