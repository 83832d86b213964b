"""Scheduled jobs of the subprocessors app (registered with @privacy_job, run by retention.runner)."""

from __future__ import annotations

from datetime import datetime

from micropim_privacy.jobs import privacy_job

from . import conf
from .campaigns import campaign_deliver, campaign_report, unfinished_campaign_ids
from .services import subprocessors_start_due


@privacy_job("deliver_notice_campaigns",
             "Resume notice campaigns (sub-processor, policy, breach notices) not yet delivered",
             order=800)
def deliver_notice_campaigns(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    totals = {"campaigns": 0, "sent": 0, "failed": 0, "pending": 0}
    for campaign_id in unfinished_campaign_ids():
        before = campaign_report(campaign_id, now=as_of)
        if dry_run:
            report = before
        else:
            report = campaign_deliver(campaign_id, batch_size=conf.batch_size(), now=as_of,
                                      max_batches=conf.job_max_batches())
        totals["campaigns"] += 1
        totals["sent"] += report.sent - before.sent
        totals["failed"] += report.failed - before.failed
        totals["pending"] += report.pending + report.sending
    return totals


@privacy_job("start_announced_subprocessors",
             "§4.2: announced sub-processors become active on their start date", order=810)
def start_announced_subprocessors(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return {"started": subprocessors_start_due(as_of=as_of, dry_run=dry_run)}
