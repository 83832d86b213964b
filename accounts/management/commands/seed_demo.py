from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Loads demo customers, staff, requests, consents, events, a breach; idempotent."

    def handle(self, *args: Any, **opts: Any) -> None:
        # Each app seeds its own demo rows in its demo.py (accounts first: others use its rows).
        with transaction.atomic():
            for config in apps.get_app_configs():
                module = f"{config.name}.demo"
                if config.name.startswith(("django", "rest_framework", "drf_")) or not find_spec(module):
                    continue
                import_module(module).seed(self.stdout)
