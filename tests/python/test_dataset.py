"""The tolerance data set itself: well-formed, tied to spec/README.md, and covering every operation.

- Every case has the documented fields and names an existing provider, operation and status.
- Every `decision` is a row id of spec/README.md (or `doc-example`).
- Every decision marked **lenient** in spec/README.md has at least one case flagged
  `oldSpecRejects` (that flag itself is checked by `.ci/python-client.sh --old-spec REF`).
- Every operation of every spec has cases of each kind the data set promises.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from conftest import README, load_cases, operations, spec_stems

CASES = load_cases()
KEYS = {"id", "provider", "operationId", "status", "body", "rawBody", "headers", "request", "expect",
        "decision", "oldSpecRejects", "note"}
EXPECTS = {"ok", "api-error", "status-error"}


def readme_decisions() -> dict[str, bool]:
    """Row id -> lenient, from the decision tables of spec/README.md."""
    found = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*`([a-z0-9]+\.[a-z0-9.-]+)`(\s+\*\*lenient\*\*)?\s*\|", line)
        if m:
            assert m.group(1) not in found, f"decision id {m.group(1)} appears twice in spec/README.md"
            found[m.group(1)] = bool(m.group(2))
    return found


DECISIONS = readme_decisions()


def test_readme_has_decision_ids() -> None:
    assert len(DECISIONS) > 20, "spec/README.md decision tables lost their id column"
    assert any(DECISIONS.values()), "no decision is marked lenient"


def test_readme_names_no_path_outside_the_repository() -> None:
    text = README.read_text(encoding="utf-8")
    assert "shared/" not in text and "seeds/" not in text, "spec/README.md must name source pages by file name only"


def test_case_ids_are_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_is_well_formed(case: dict) -> None:
    assert set(case) <= KEYS, f"unknown keys {set(case) - KEYS}"
    for key in ("id", "provider", "operationId", "status", "expect", "decision", "oldSpecRejects", "note"):
        assert key in case, f"missing {key}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case["id"]), "ids are lowercase words joined by dashes"
    assert case["provider"] in spec_stems(), f"no spec/{case['provider']}.yaml"
    assert case["operationId"] in operations(case["provider"])
    assert isinstance(case["status"], int) and 100 <= case["status"] <= 599
    assert ("body" in case) != ("rawBody" in case), "exactly one of body / rawBody"
    if "rawBody" in case:
        assert isinstance(case["rawBody"], str)
    headers = case.get("headers", {})
    assert isinstance(headers, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
    assert case["expect"] in EXPECTS
    assert isinstance(case["oldSpecRejects"], bool)
    assert case["decision"] == "doc-example" or case["decision"] in DECISIONS, (
        f"decision {case['decision']!r} is not a row id in spec/README.md"
    )
    assert case["note"].strip()


@pytest.mark.parametrize("decision", sorted(d for d, lenient in DECISIONS.items() if lenient))
def test_every_lenient_decision_has_a_case_the_old_spec_rejects(decision: str) -> None:
    proving = [c["id"] for c in CASES if c["decision"] == decision and c["oldSpecRejects"]]
    assert proving, f"lenient decision {decision} has no case flagged oldSpecRejects"


def _coverage():
    kinds = defaultdict(set)
    for c in CASES:
        key = (c["provider"], c["operationId"])
        kinds[key].add(c["expect"])
        if c["decision"] == "all.unknown-fields":
            kinds[key].add("unknown-fields")
        if c["expect"] == "ok" and c["status"] not in (200, 201):
            kinds[key].add("other-2xx")
        if c.get("rawBody") == "":
            kinds[key].add("empty-body")
        if c["expect"] == "ok" and c["oldSpecRejects"]:
            kinds[key].add("ok-old-rejects")
        if c["expect"] == "api-error" and c["oldSpecRejects"]:
            kinds[key].add("error-old-rejects")
    return kinds


@pytest.mark.parametrize("stem", spec_stems())
def test_every_operation_is_covered(stem: str) -> None:
    kinds = _coverage()
    want = {"ok", "api-error", "status-error", "unknown-fields", "other-2xx", "empty-body", "ok-old-rejects",
            "error-old-rejects"}
    for op in operations(stem):
        missing = want - kinds[(stem, op)]
        assert not missing, f"{stem}.{op} has no case for: {', '.join(sorted(missing))}"
