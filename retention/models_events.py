"""High-volume event data (§2.3): usage analytics, logins, error reports, server logs.

``ServerLogLine`` and ``UsageEvent`` live in PostgreSQL range-partitioned tables (see
``partitions.py`` and migration 0002): their purges drop whole expired partitions. Their
``customer`` link has no database constraint — an FK check per inserted log line costs more
than it protects, and dropping a partition must not lock ``accounts_customer``; the ORM
still sets it to NULL when a customer row is deleted.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC
from typing import Any, ClassVar

from django.db import connection, models, transaction
from django.db.models import F

from accounts.models import Customer

from .fields import TruncatedIPAddressField
from .partitions import Partitioning
from .retained import RetainedRecord

IP_HELP = "Truncated at intake (IPv4 last octet zeroed, IPv6 first 48 bits kept)"


def customer_fk(*, partitioned: bool = False) -> Any:
    return models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=not partitioned, db_index=False,
    )


class UsageEventQuerySet(models.QuerySet):
    # What an anonymous aggregate keeps: what was used, on which day, on what kind of device.
    DIMENSIONS = ("kind", "name", "browser", "browser_version", "os", "device_type")

    def anonymise(self) -> int:
        """§5.3 "Anonymization of analytics data": no account link, no IP, no device identifiers.

        In place, so the rows still count in every aggregate. The erasure engine uses it."""
        return self.filter(anonymised=False).update(
            customer=None, ip=None, device_id="", session_id="", anonymised=True
        )

    def roll_up(self) -> int:
        """§5.2 "12 months (anonymized thereafter)": fold these rows into the anonymous daily
        aggregates and delete them, in one transaction — a crash loses nothing and counts
        nothing twice. Returns the number of events rolled up."""
        with transaction.atomic():
            rows = list(self.values_list("pk", "occurred_at", *self.DIMENSIONS))
            if not rows:
                return 0
            groups = Counter((r[1].astimezone(UTC).date(), *r[2:]) for r in rows)
            for key, count in groups.items():
                fields = dict(zip(("day", *self.DIMENSIONS), key, strict=True))
                if not UsageAggregate.objects.filter(**fields).update(count=F("count") + count):
                    UsageAggregate.objects.create(**fields, count=count)
            stamps = [r[1] for r in rows]
            # The time bounds let PostgreSQL touch only the partitions these rows are in.
            UsageEvent.objects.filter(pk__in=[r[0] for r in rows], occurred_at__gte=min(stamps),
                                      occurred_at__lte=max(stamps)).delete()
            return len(rows)


class UsageEvent(RetainedRecord):
    """§2.3 feature use and navigation in the app, with browser and device information."""

    class Kind(models.TextChoices):
        FEATURE = "feature", "Feature use"
        NAVIGATION = "navigation", "Navigation"

    retention_timestamp_field = "occurred_at"
    partitioning: ClassVar[Partitioning] = Partitioning(column="occurred_at", step="month", ahead=3)

    occurred_at = models.DateTimeField()
    customer = customer_fk(partitioned=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="Feature key or in-app route")
    browser = models.CharField(max_length=60, blank=True)
    browser_version = models.CharField(max_length=30, blank=True)
    os = models.CharField(max_length=60, blank=True)
    device_type = models.CharField(max_length=30, blank=True)
    device_id = models.CharField(max_length=100, blank=True, help_text="Device identifier")
    session_id = models.CharField(max_length=100, blank=True)
    ip = TruncatedIPAddressField(null=True, blank=True, help_text=IP_HELP)
    anonymised = models.BooleanField(default=False)

    objects = UsageEventQuerySet.as_manager()

    @classmethod
    def roll_up_partition(cls, table: str) -> int:
        """PostgreSQL: fold a whole expired partition into the aggregates in one statement
        (the purge then drops it in the same transaction)."""
        qn = connection.ops.quote_name
        dims = ", ".join(qn(d) for d in UsageEventQuerySet.DIMENSIONS)
        aggregate = qn(UsageAggregate._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {aggregate} (day, {dims}, count) "  # noqa: S608 — identifiers quoted by qn(), values bound  # nosec B608
                f"SELECT (occurred_at AT TIME ZONE 'UTC')::date, {dims}, count(*) "
                f"FROM {qn(table)} GROUP BY 1, {dims} "
                f"ON CONFLICT (day, {dims}) DO UPDATE SET count = {aggregate}.count + EXCLUDED.count")
            return int(cursor.rowcount)

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"], name="retention_usage_at_idx"),
            models.Index(fields=["customer"], name="retention_usage_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"usage {self.kind} {self.name} at {self.occurred_at:%Y-%m-%d %H:%M}"


class UsageAggregate(models.Model):
    """Anonymous daily counts of usage events past their 12 months (no person in them)."""

    day = models.DateField()
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    browser = models.CharField(max_length=60, blank=True)
    browser_version = models.CharField(max_length=30, blank=True)
    os = models.CharField(max_length=60, blank=True)
    device_type = models.CharField(max_length=30, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "name", "browser", "browser_version", "os", "device_type"],
                name="retention_usage_aggregate_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.name}: {self.count}"


class LoginEvent(RetainedRecord):
    """§2.3 login timestamps and session data, with the truncated IP."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILURE = "failure", "Failed sign-in"
        LOGOUT = "logout", "Signed out"

    retention_timestamp_field = "occurred_at"

    occurred_at = models.DateTimeField()
    customer = customer_fk()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    method = models.CharField(max_length=30, blank=True, help_text="password, sso, mfa, ...")
    session_id = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = TruncatedIPAddressField(null=True, blank=True, help_text=IP_HELP)

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"], name="retention_login_at_idx"),
            models.Index(fields=["customer"], name="retention_login_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"login {self.outcome} at {self.occurred_at:%Y-%m-%d %H:%M}"


class ErrorReport(RetainedRecord):
    """§2.3 error reports and performance data."""

    retention_timestamp_field = "occurred_at"

    occurred_at = models.DateTimeField()
    customer = customer_fk()
    message = models.CharField(max_length=2000)
    stack = models.TextField(blank=True)
    release = models.CharField(max_length=60, blank=True)
    path = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    ip = TruncatedIPAddressField(null=True, blank=True, help_text=IP_HELP)

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"], name="retention_error_at_idx"),
            models.Index(fields=["customer"], name="retention_error_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"error at {self.occurred_at:%Y-%m-%d %H:%M}"


class ServerLogLine(RetainedRecord):
    """§2.3 server logs: one request as the web or application server logged it (90 days)."""

    retention_timestamp_field = "occurred_at"
    partitioning: ClassVar[Partitioning] = Partitioning(column="occurred_at", step="day", ahead=14)

    occurred_at = models.DateTimeField()
    customer = customer_fk(partitioned=True)
    host = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = TruncatedIPAddressField(null=True, blank=True, help_text=IP_HELP)

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"], name="retention_log_at_idx"),
            models.Index(fields=["customer"], name="retention_log_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"log line at {self.occurred_at:%Y-%m-%d %H:%M:%S}"
