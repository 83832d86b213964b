from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention, legal holds and scheduled jobs"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its scheduled jobs in its own jobs.py (micropim_privacy/jobs.py).
        autodiscover_modules("jobs")
