from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def reseed_if_empty(sender: AppConfig, *, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """Setup only (not workflow): migration 0002 seeds the §4.2 register and policy 1.0; a
    ``flush`` (every transactional test) empties them and then sends post_migrate. Refill only
    tables that are completely empty, so nothing an operator changed is ever re-created."""
    from django.db import router

    if sender.name != "subprocessors" or not router.allow_migrate(using, "subprocessors"):
        return  # e.g. the erasure ledger's own database (issue 11) holds no register
    from .seed import seed_policy, seed_register

    if apps is None:  # `flush` sends no migration state: the live models are the schema
        from django.apps import apps

    sub_processor = apps.get_model("subprocessors", "SubProcessor")
    policy_version = apps.get_model("subprocessors", "PolicyVersion")
    if not sub_processor.objects.using(using).exists():
        seed_register(sub_processor, apps.get_model("subprocessors", "RegisterChange"))
    if not policy_version.objects.using(using).exists():
        seed_policy(policy_version)


class SubprocessorsConfig(AppConfig):
    name = "subprocessors"
    verbose_name = "Sub-processors and notices"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(reseed_if_empty, sender=self, dispatch_uid="subprocessors.reseed_if_empty")
