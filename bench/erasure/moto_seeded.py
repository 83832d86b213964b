"""A moto S3 server, already holding N objects under one account's prefix.

Putting 100,000 objects through moto's HTTP API takes minutes (~250 requests/s), so the
objects are written straight into moto's in-memory backend before the server answers.
The erasure under test still reaches it only over HTTP, with boto3, like real S3.

    python bench/erasure/moto_seeded.py PORT BUCKET PREFIX COUNT
"""

from __future__ import annotations

import sys
import time

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer


def main() -> None:
    port, bucket, prefix, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(bucket, "eu-central-1")
    for i in range(count):
        backend.put_object(bucket, f"{prefix}products/{i:07d}.jpg", b"x")
    backend.put_object(bucket, "customers/someone-else/keep.csv", b"x")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
