"""Staff roles as groups, least privilege (§6.1 "Role-based access, principle of least privilege").

Declared as data: role → app label → "all" or a list of permission codenames. Later apps
add their lines here. ``sync_roles`` runs after every migrate, so a new model's
permissions reach the right role without a data migration.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

PRIVACY_OFFICER = "Privacy Officer"
SUPPORT_AGENT = "Support Agent"
SECURITY_OFFICER = "Security Officer"

ALL = "all"

ROLES: dict[str, dict[str, str | list[str]]] = {
    # Everything privacy: the request queue, holds, notices, the access log, schedules.
    PRIVACY_OFFICER: {
        "accounts": ALL,
        "retention": ALL,
        "dsar": ALL,
        "consent": ALL,
        "subprocessors": ALL,
        "breaches": ALL,  # DESIGN: the breach register is for security *and* privacy officers
        "django_celery_beat": ALL,
        "ledger": ALL,  # issue 11: the erasure ledger, replays and the "needs attention" list
    },
    # Read account basics only: no ID documents, no exports, no access log, no breaches.
    SUPPORT_AGENT: {
        "accounts": ["view_customer"],
    },
    # Breaches, and the access log to investigate them.
    SECURITY_OFFICER: {
        "breaches": ALL,
        "accounts": ["view_accesslogentry"],
    },
}

# Permissions no role gets through "all": the access log is append-only.
NEVER = {("accounts", "change_accesslogentry"), ("accounts", "delete_accesslogentry"),
         ("accounts", "add_accesslogentry")}


def sync_roles() -> None:
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms: list[Permission] = []
        for app_label, codenames in grants.items():
            qs = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != ALL:
                qs = qs.filter(codename__in=codenames)
            perms.extend(p for p in qs if (app_label, p.codename) not in NEVER)
        group.permissions.set(perms)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", "") == "accounts":
        sync_roles()
