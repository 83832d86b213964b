"""The Celery app. Beat asks the job runner to run; the database is the source of truth."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micropim_privacy.settings.local")

app = Celery("micropim_privacy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _declare_schedule(sender: Celery, **kwargs: object) -> None:
    # Every periodic schedule is declared here, in one place (STYLE.md). With
    # django-celery-beat's DatabaseScheduler these entries are copied into the
    # database, where the admin can edit them.
    from django.conf import settings

    sender.conf.beat_schedule = {
        "run-privacy-jobs": {
            "task": "retention.tasks.run_privacy_jobs_task",
            "schedule": float(settings.PRIVACY_JOBS_INTERVAL_SECONDS),
        },
    }
