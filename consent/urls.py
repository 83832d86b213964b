"""Routes of the consent app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from . import api, conf, views

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("consent/", api.ConsentView.as_view(), name="consent"),
    path("consent/<str:visitor_id>/", api.ConsentDetailView.as_view(), name="consent-detail"),
    path("newsletter/subscriptions/", api.NewsletterSubscribeView.as_view(), name="newsletter-subscribe"),
    path("newsletter/engagement/", api.NewsletterEngagementView.as_view(), name="newsletter-engagement"),
    path("marketing/eligibility/", api.MarketingEligibilityView.as_view(), name="marketing-eligibility"),
]
urlpatterns: list[URLPattern | URLResolver] = [
    path(".well-known/gpc.json", views.gpc_json, name="gpc-json"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter-confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.marketing_unsubscribe_link,
         name="marketing-unsubscribe"),
    path("consent/demo/", views.banner_demo, name="consent-banner-demo"),
]

# bench/consent/: the baseline a consent write is measured against. Only with BENCH_BASELINE=1
# in the environment of that benchmark; never set in production.
if conf.bench_baseline_enabled():
    urlpatterns.append(path("bench/consent-baseline/", views.bench_baseline_insert, name="bench-baseline"))
