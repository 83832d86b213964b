from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.access_log import first_broken_link
from accounts.models import AccessLogEntry


class Command(BaseCommand):
    help = "Checks the access log's hash chain and reports the first broken link."

    def handle(self, *args: Any, **opts: Any) -> None:
        broken = first_broken_link()
        if broken is not None:
            raise CommandError(f"access log broken at entry {broken.pk} ({broken.at.isoformat()})")
        self.stdout.write(f"access log intact: {AccessLogEntry.objects.count()} entries")
