"""After a restore of the main database: erase again everyone the erasure ledger remembers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ledger.replay import replay_erasures


def _since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since must be a date or ISO 8601 instant, not {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = ("After a database restore: find every subject the erasure ledger says was erased and "
            "erase them again through the erasure engine (docs/ledger.md, the restore runbook).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_since, default=None,
                            help="Only ledger entries erased from this date (UTC), e.g. the backup's date")
        parser.add_argument("--dry-run", action="store_true", help="Report the matches; change nothing")
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object")

    def handle(self, *args: Any, **opts: Any) -> None:
        report = replay_erasures(now=timezone.now(), since=opts["since"], dry_run=opts["dry_run"])
        if opts["json"]:
            self.stdout.write(json.dumps({"since": report.since.isoformat() if report.since else None,
                                          "dry_run": report.dry_run, "counts": report.counts,
                                          "results": report.results}))
        else:
            for line in report.lines():
                self.stdout.write(line)
        if report.problems:
            raise CommandError(f"{report.problems} subject(s) could not be erased again: see the report "
                               "above, fix the cause, and run the replay again (it is safe to repeat).")
