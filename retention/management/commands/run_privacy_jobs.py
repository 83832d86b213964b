from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micropim_privacy.jobs import JOBS
from retention.runner import TimeTravelRefused, run_jobs


def _parse_as_of(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: not an ISO 8601 date or time: {value!r}") from exc
    # A bare date or naive time is read as UTC (DESIGN: deadlines are computed in UTC).
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Runs every scheduled privacy job as of an instant (the same code Celery beat calls)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=_parse_as_of, default=None,
                            help="ISO 8601 instant to run as of (default: now; naive = UTC)")
        parser.add_argument("--only", nargs="+", metavar="JOB", help="run only these jobs")
        parser.add_argument("--dry-run", action="store_true", help="change nothing; report what would happen")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--list", action="store_true", help="list the registered jobs and exit")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["list"]:
            for job in sorted(JOBS.values(), key=lambda j: (j.order, j.name)):
                self.stdout.write(f"{job.name:32} {job.description}")
            return
        try:
            report = run_jobs(as_of=opts["as_of"], only=opts["only"], dry_run=opts["dry_run"])
        except KeyError as exc:
            raise CommandError(f"unknown job(s): {exc.args[0]}. Known: {', '.join(sorted(JOBS))}") from exc
        except TimeTravelRefused as exc:
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(report.as_dict(), default=str))
        else:
            mode = " (dry run)" if report.dry_run else ""
            self.stdout.write(f"as of {report.as_of.isoformat()}{mode}")
            for name, result in report.jobs.items():
                self.stdout.write(f"  {name}: {result['outcome']} {result['counts']} {result['duration_ms']} ms")
        if report.failed:
            raise CommandError(f"failed: {', '.join(report.failed)}")
