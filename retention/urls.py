"""Routes of the retention app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from .api import EventBatchView, RetentionScheduleView, StripeWebhookView
from .intake_records import RecordBatchView

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("retention-schedule/", RetentionScheduleView.as_view(), name="retention-schedule"),
    path("events/", EventBatchView.as_view(), name="events"),
    path("records/", RecordBatchView.as_view(), name="records"),
    path("stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
]
urlpatterns: list[URLPattern | URLResolver] = []
