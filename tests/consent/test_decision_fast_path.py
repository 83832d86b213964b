"""The fast path of POST /api/v1/consent/ never accepts what the documented serializer refuses."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from consent.api import ConsentDecisionSerializer, accept_decision_fast

VALID = {"visitor_id": "0b6f3a4e-8c1d-4d2a", "analytics": True, "marketing": False, "policy_version": "1.0"}
odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=70),
    st.sampled_from(["", " ", "1.0", "1.0\n", " 1.0", "abcdefgh", "abcdefgh\n", "abc defgh", "x" * 65,
                     "0b6f3a4e-8c1d-4d2a", "true", "1"]),
    st.lists(st.integers(), max_size=2),
)
keys = st.sampled_from([*ConsentDecisionSerializer._declared_fields, "advertising", "Visitor_id"])
version = st.from_regex(r"[0-9A-Za-z._-]{1,16}", fullmatch=True)
valid_changes = st.fixed_dictionaries({}, optional={
    "visitor_id": st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True), "analytics": st.booleans(),
    "marketing": st.booleans(), "policy_version": version, "banner_version": version,
    "gpc": st.booleans(), "necessary": st.just(True),
})


def _serializer(data: Any) -> dict[str, Any] | None:
    s = ConsentDecisionSerializer(data=data)
    return dict(s.validated_data) if s.is_valid() else None


@settings(max_examples=400, deadline=None)
@given(good=valid_changes, odd=st.dictionaries(keys, odd_values, max_size=2),
       removed=st.lists(st.sampled_from(list(VALID)), max_size=1))
def test_fast_path_accepts_only_what_the_serializer_accepts_with_the_same_values(
        good: dict[str, Any], odd: dict[str, Any], removed: list[str]) -> None:
    body = {k: v for k, v in {**VALID, **good, **odd}.items() if k not in removed}
    fast = accept_decision_fast(body)
    if fast is None:
        return  # the serializer decides, with its error messages
    slow = _serializer(body)
    assert slow is not None, body
    assert {k: slow[k] for k in fast} == fast
    assert set(slow) - set(fast) <= {"necessary"}


def test_the_usual_banner_body_takes_the_fast_path() -> None:
    body = {**VALID, "necessary": True, "banner_version": "1", "gpc": True}
    assert accept_decision_fast(body) == {**{k: v for k, v in body.items() if k != "necessary"}}
    assert accept_decision_fast([1]) is None and accept_decision_fast({**VALID, "x": 1}) is None
