"""Building one access package, streaming (memory does not grow with the data).

Every system's export is written row by row into per-category files on disk (JSON, CSV,
XML in one pass), each added to a zip on disk; the customer's uploaded files are copied
from S3 into the zip in chunks; the cover letter goes last (it lists what is inside).
The zip is uploaded to ``S3_EXPORT_BUCKET`` with a multipart upload from the file, and the
temporary directory is removed whatever happens. A task that dies half-way leaves the
package "building"; ``dsar_packages`` queues it again (the build starts from scratch).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from boto3.s3.transfer import TransferConfig
from django.db.models import F

from accounts.connectors import ExportItem
from accounts.models import Customer
from micropim_privacy.aws import s3_client

from .. import conf
from ..models import AccessPackage, DataSubjectRequest, RequestEvent
from ..timeline import record
from .cover import cover_letter_pdf
from .serializers import serializer_for
from .sources import customer_files, export_records, systems_not_exported
from .writers import CategoryFiles

log = logging.getLogger(__name__)
_CHUNK = 1024 * 1024


def package_key(package: AccessPackage) -> str:
    return f"packages/{package.request.public_id}/{package.public_id}.zip"


def _claim(package_id: int) -> AccessPackage | None:
    if not AccessPackage.objects.filter(pk=package_id, state=AccessPackage.State.BUILDING).update(
            attempts=F("attempts") + 1):
        return None  # already built, failed for good, or purged
    return AccessPackage.objects.select_related("request", "request__customer").get(pk=package_id)


def write_categories(zf: zipfile.ZipFile, workdir: Path, items: Iterable[ExportItem]) -> dict[str, int]:
    """Every record, from every system, into data/<fmt>/<category>.<system>.<fmt>."""
    open_files: dict[tuple[str, str], CategoryFiles] = {}
    try:
        for item in items:
            files = open_files.get((item.category, item.system))
            if files is None:
                files = CategoryFiles(workdir, serializer_for(item.category), item.system)
                open_files[(item.category, item.system)] = files
            files.write(dict(item.data))
    finally:
        for files in open_files.values():
            files.close()
    counts: dict[str, int] = {}
    for (category, _system), files in sorted(open_files.items()):
        counts[category] = counts.get(category, 0) + files.count
        for fmt, path in files.paths.items():
            zf.write(path, f"data/{fmt}/{files.stem}.{fmt}")
            path.unlink()
    return counts


@dataclass
class FilesCopied:
    copied: int = 0
    listed_only: int = 0
    bytes: int = 0


def write_files(zf: zipfile.ZipFile, customer: Customer | None) -> FilesCopied:
    """The uploaded product data itself (§7.5 "Customer Data you uploaded"), copied from S3 in
    chunks into files/<key>; past ``conf.package_max_object_bytes`` only listed (in data/)."""
    done = FilesCopied()
    if customer is None or not conf.package_include_objects():
        return done
    budget = conf.package_max_object_bytes()
    s3 = s3_client()
    for obj in customer_files(customer, s3=s3):
        if obj["size_bytes"] > budget:
            done.listed_only += 1
            continue
        _copy_object(zf, s3, obj["bucket"], obj["key"], f"files/{obj['key']}")
        budget -= obj["size_bytes"]
        done.copied += 1
        done.bytes += obj["size_bytes"]
    return done


def _copy_object(zf: zipfile.ZipFile, s3: Any, bucket: str, key: str, arcname: str) -> None:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    with zf.open(arcname, "w", force_zip64=True) as out:
        for chunk in body.iter_chunks(_CHUNK):
            out.write(chunk)


def _readme(dsr: DataSubjectRequest, counts: Mapping[str, int], files: FilesCopied) -> str:
    lines = [
        "MicroPIM: your personal data (GDPR Art. 15 and 20; privacy policy §7.1, §7.5)",
        f"Request {dsr.public_id}",
        "",
        "cover_letter.pdf        what we process, why, for how long, who receives it, your rights",
        "data/json|csv|xml/      one file per category and system: <category>.<system>.<format>",
        "                        (the same records in each format; CSV is UTF-8)",
        f"files/                  the files you uploaded to MicroPIM ({files.copied} copied)",
        "",
        "Records per category:",
        *[f"  {k}: {v}" for k, v in sorted(counts.items())],
    ]
    if files.listed_only:
        lines += ["", f"{files.listed_only} uploaded file(s) were too large to include: they are "
                  "listed in data/*/customer_product_data.s3.* and downloadable from app.micropim.net."]
    missing = systems_not_exported()
    if missing:
        lines += ["", "Systems not exported from here:", *[f"  {m['system']}: {m['reason']}" for m in missing]]
    return "\n".join(lines) + "\n"


def build_zip(*, dsr: DataSubjectRequest, path: Path, workdir: Path, now: datetime,
              items: Iterable[ExportItem] | None = None) -> dict[str, int]:
    customer = dsr.customer
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        counts = write_categories(zf, workdir, items if items is not None else export_records(customer, dsr.email))
        files = write_files(zf, customer)
        stems = sorted({n.split("/")[2].rsplit(".", 1)[0] for n in zf.namelist() if n.startswith("data/")})
        zf.writestr("README.txt", _readme(dsr, counts, files))
        listing = [f"data/{{json,csv,xml}}/{stem}" for stem in stems]
        if files.copied:
            listing.append(f"files/ ({files.copied} files)")
        zf.writestr("cover_letter.pdf", cover_letter_pdf(dsr=dsr, counts=counts, files=listing, now=now))
    return counts


def package_build(*, package_id: int, now: datetime) -> AccessPackage | None:
    """Build, upload, mark ready, and answer the request (completed, with the link)."""
    package = _claim(package_id)
    if package is None:
        return None
    dsr = package.request
    workdir = Path(tempfile.mkdtemp(prefix="dsar-package-"))
    try:
        zip_path = workdir / "package.zip"
        counts = build_zip(dsr=dsr, path=zip_path, workdir=workdir, now=now)
        size = zip_path.stat().st_size
        key = package_key(package)
        s3_client().upload_file(
            str(zip_path), conf.export_bucket(), key,
            ExtraArgs={"ContentType": "application/zip", "ServerSideEncryption": "AES256"},
            Config=TransferConfig(multipart_chunksize=16 * _CHUNK, max_concurrency=4),
        )
    except Exception as exc:
        log.exception("access package %s failed", package.pk)
        AccessPackage.objects.filter(pk=package.pk).update(error=f"{type(exc).__name__}"[:300])
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    expires = now + timedelta(seconds=conf.package_ttl_seconds())
    AccessPackage.objects.filter(pk=package.pk).update(
        state=AccessPackage.State.READY, s3_key=key, size_bytes=size, counts=counts, ready_at=now,
        expires_at=expires, error="")
    package.refresh_from_db()
    record(dsr=dsr, kind=RequestEvent.Kind.PACKAGE, actor="system", now=now, reason="package ready",
           package=str(package.public_id), size_bytes=size, records=sum(counts.values()),
           expires_at=expires)
    from .delivery import package_deliver

    package_deliver(package=package, now=now)
    return package
