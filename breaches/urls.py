"""Routes of the breaches app: `api_urlpatterns` under /api/v1/, `urlpatterns` at the site root."""

from django.urls import URLPattern, URLResolver, path

from . import api, views

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("breaches/", api.BreachListView.as_view(), name="breach-list"),
    path("breaches/<str:reference>/", api.BreachDetailView.as_view(), name="breach-detail"),
    path("breaches/<str:reference>/authority-reports/", api.AuthorityReportView.as_view(),
         name="breach-authority-reports"),
    path("breaches/<str:reference>/authority-notification.pdf", api.AuthorityNotificationPdfView.as_view(),
         name="breach-authority-pdf"),
    path("breaches/<str:reference>/affected-people/", api.AffectedPeopleView.as_view(),
         name="breach-affected-people"),
    path("breaches/<str:reference>/subject-notices/", api.SubjectNoticesView.as_view(),
         name="breach-subject-notices"),
    path("security-reports/", api.SecurityReportIntakeView.as_view(), name="security-report-intake"),
]
urlpatterns: list[URLPattern | URLResolver] = [
    path(".well-known/security.txt", views.security_txt, name="breaches-security-txt"),
    path("security/report/", views.security_report_form, name="breaches-security-report"),
]
