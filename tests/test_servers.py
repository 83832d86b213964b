"""The local stand-ins speak the real protocols: boto3 and stripe work against them."""

from __future__ import annotations

import pytest
import stripe

from micropim_privacy.aws import cognito_client, s3_client
from tests.servers import FakeStripe


def test_boto3_reaches_moto(moto_server: str) -> None:
    s3 = s3_client()
    s3.create_bucket(Bucket="probe", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_object(Bucket="probe", Key="a/b.txt", Body=b"x")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="probe")["Contents"]] == ["a/b.txt"]
    pool = cognito_client().create_user_pool(PoolName="probe")["UserPool"]
    assert pool["Id"]


def test_stripe_library_reaches_the_fake(fake_stripe: FakeStripe) -> None:
    client = stripe.StripeClient("sk_test_fake", base_addresses={"api": fake_stripe.url},
                                 max_network_retries=0)
    created = client.v1.customers.create(params={"email": "a@example.com"})
    assert client.v1.customers.retrieve(created.id).email == "a@example.com"
    client.v1.customers.delete(created.id)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.customers.retrieve(created.id)
    assert missing.value.code == "resource_missing"
