"""Scheduled jobs of the portal."""

from __future__ import annotations

from datetime import datetime

from micropim_privacy.jobs import privacy_job

from .services import signin_links_purge


@privacy_job("portal_signin_links_purge", "Delete sign-in links a day after they expired", order=950)
def portal_signin_links_purge(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    key = "would_delete" if dry_run else "deleted"
    return {key: signin_links_purge(as_of=as_of, dry_run=dry_run)}
