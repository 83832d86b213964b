"""Scheduled jobs of the breaches app (the runner calls them hourly; each decides what is due)."""

from __future__ import annotations

from datetime import datetime

from micropim_privacy.jobs import privacy_job

from .alerts import alert_officers_of_reports, send_clock_alerts


@privacy_job("breach_clock_alerts",
             "§6.4: alert security and privacy officers at 24/48/60 h and at 72 h while ANSPDCP "
             "is not notified (each alert once; after downtime only the latest is sent)", order=50)
def breach_clock_alerts(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return send_clock_alerts(as_of=as_of, dry_run=dry_run)


@privacy_job("security_report_alerts",
             "§14.4: tell the officers about security reports whose alert was never sent", order=51)
def security_report_alerts(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return alert_officers_of_reports(as_of=as_of, dry_run=dry_run)
