"""The Atom feed of register changes customers can follow (§4.2 "notify you 30 days before")."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import RegisterChange
from .selectors import register_changes


class RegisterChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "MicroPIM sub-processor changes"
    subtitle = ("New sub-processors are announced here and by email at least 30 days before they "
                "start (privacy policy §4.2).")
    author_name = "Marmix SOFT SRL"

    def link(self) -> str:
        return reverse("subprocessors:register")

    def items(self) -> QuerySet[RegisterChange]:
        return register_changes(limit=50)

    def item_title(self, item: RegisterChange) -> str:
        return f"{item.subprocessor.name}: {item.get_kind_display().lower()}"

    def item_description(self, item: RegisterChange) -> str:
        return item.summary

    def item_link(self, item: RegisterChange) -> str:
        return f"{reverse('subprocessors:register')}#{item.subprocessor.slug}"

    def item_guid(self, item: RegisterChange) -> str:
        return f"urn:micropim:subprocessor-change:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: RegisterChange) -> datetime:
        return item.at

    def item_updateddate(self, item: RegisterChange) -> datetime:
        return item.at
