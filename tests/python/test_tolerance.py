"""Every case of tests/tolerance/cases.json, served to the generated Python client.

Each case is a server answer (status, body, headers) to one operation. The generated client
sends a request (the case's `request`, else the operation's first request example) through an
in-process httpx transport that records it and answers with the case's response. Then:

- `ok`: the client returns the operation's success model for that status; the model keeps every
  unknown field and every unknown enum value, and `to_dict()` gives back the body.
- `api-error`: the client returns the error model declared for that status, with the same checks.
- `status-error`: the client does not hand back a model: it raises `UnexpectedStatus`
  (undeclared status) or fails to decode the non-JSON body.

Independently of the generated code, each body is also validated against the spec's schema for
that status (openapi-schema-validator, OAS 3.0 rules with format checks), and each request
against the request schema: the spec itself must allow what the case says a client accepts or
sends.

With TOLERANCE_OLD_SPEC=1 (`.ci/python-client.sh --old-spec REF`), the cases flagged
`oldSpecRejects` are expected to fail (strict xfail) and all others to pass.
"""

from __future__ import annotations

import importlib
import inspect
import json

import httpx
import pytest

from conftest import (
    COUNTS,
    OLD_SPEC_MODE,
    check_parsed,
    deref,
    json_schema_of,
    load_cases,
    operation,
    package,
    python_class,
    response_for,
    roundtrip_equal,
    schema_errors,
    snake,
    spec,
)


def _params():
    for case in load_cases():
        marks = []
        if OLD_SPEC_MODE and case.get("oldSpecRejects"):
            marks.append(pytest.mark.xfail(strict=True, reason="flagged oldSpecRejects"))
        yield pytest.param(case, id=case["id"], marks=marks)


def _request_body(stem: str, op: dict, case: dict):
    body = deref(spec(stem), op.get("requestBody") or {})
    media = (body.get("content") or {}).get("application/json")
    if not media:
        return None, None
    if "request" in case:
        return media["schema"], case["request"]
    examples = media.get("examples") or {}
    assert examples, f"{stem}.{case['operationId']}: no request example to send"
    first = deref(spec(stem), next(iter(examples.values())))
    return media["schema"], first["value"]


def _api_function(stem: str, operation_id: str):
    pkg = package(stem)
    name = snake(operation_id)
    api_dir = next(iter(pkg.__path__)) + "/api"
    import pathlib

    for f in sorted(pathlib.Path(api_dir).glob(f"*/{name}.py")):
        module = importlib.import_module(f"{stem}.api.{f.parent.name}.{name}")
        return module.sync_detailed
    raise AssertionError(f"{stem}: no generated API module for {operation_id}")


def _path_arguments(stem: str, op: dict, path_item_params: list) -> dict:
    args = {}
    for p in list(path_item_params) + list(op.get("parameters") or []):
        p = deref(spec(stem), p)
        if p.get("in") == "path":
            args[snake(p["name"])] = str((p.get("schema") or {}).get("example") or p.get("example") or "x")
    return args


@pytest.mark.parametrize("case", list(_params()))
def test_case(case: dict) -> None:
    # Both layers always run, so a failure report says which of them refused the case: the
    # generated client (`client:`) or the spec's schema read by an independent validator (`spec:`).
    problems = []
    for layer, check in (("spec", _check_spec), ("client", _check_client)):
        try:
            check(case)
        except Exception as e:  # noqa: BLE001 - any failure of a layer is reported with its name
            problems.append(f"{layer}: {type(e).__name__}: {e}")
    assert not problems, "\n".join(problems)


def _check_spec(case: dict) -> None:
    """What the spec itself says about this answer and this request."""
    stem, status, expect = case["provider"], case["status"], case["expect"]
    _, _, op = operation(stem, case["operationId"])
    declared = response_for(stem, op, status)
    schema = json_schema_of(stem, declared)
    raw = "rawBody" in case
    body = case.get("rawBody") if raw else case["body"]
    if expect == "ok":
        assert 200 <= status <= 299, "an `ok` case must have a 2xx status"
        assert declared is not None and schema is not None, f"the spec declares no JSON response for {status}"
        assert not raw, "an `ok` case needs a JSON body"
        errors = schema_errors(stem, schema, body)
        assert not errors, "the spec's schema rejects the body: " + "; ".join(errors)
    elif expect == "api-error":
        assert status >= 400, "an `api-error` case must have a failure status"
        assert declared is not None and schema is not None, f"the spec declares no error body for {status}"
        assert not raw, "an `api-error` case needs a JSON body"
        errors = schema_errors(stem, schema, body)
        assert not errors, "the spec's schema rejects the body: " + "; ".join(errors)
    else:
        assert expect == "status-error", f"unknown expect {expect!r}"
        assert status >= 400, "a `status-error` case must have a failure status"
        matches = declared is not None and schema is not None and not raw and not schema_errors(stem, schema, body)
        assert not matches, "the body matches the declared error schema; this is an `api-error` case"
    request_schema, request = _request_body(stem, op, case)
    if request is not None:
        errors = schema_errors(stem, request_schema, request)
        assert not errors, "a client that enforces the spec would refuse to send the request: " + "; ".join(errors)


def _check_client(case: dict) -> None:
    """The generated Python client, served the case's answer."""
    stem, status, expect = case["provider"], case["status"], case["expect"]
    path, method, op = operation(stem, case["operationId"])
    schema = json_schema_of(stem, response_for(stem, op, status))
    raw = "rawBody" in case
    body = case.get("rawBody") if raw else case["body"]
    request_schema, request = _request_body(stem, op, case)

    pkg = package(stem)
    seen: list[httpx.Request] = []
    headers = {k: v for k, v in (case.get("headers") or {}).items()}
    if raw:
        content = body.encode("utf-8")
    else:
        content = json.dumps(body).encode("utf-8")
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"

    def answer(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(status, content=content, headers=headers)

    client = pkg.Client(
        base_url="http://127.0.0.1:9",
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.MockTransport(answer)},
    )
    call = _api_function(stem, case["operationId"])
    kwargs = _path_arguments(stem, op, spec(stem)["paths"][path].get("parameters") or [])
    kwargs["client"] = client
    if request is not None:
        kwargs["body"] = python_class(stem, request_schema).from_dict(request)
    unknown = set(kwargs) - set(inspect.signature(call).parameters)
    assert not unknown, f"generated {call.__module__}.sync_detailed has no parameters {unknown}"

    if expect == "status-error":
        errors_module = importlib.import_module(f"{stem}.errors")
        with pytest.raises((errors_module.UnexpectedStatus, json.JSONDecodeError)):
            result = call(**kwargs)
            pytest.fail(f"the client handed back {result.parsed!r} for an unusable answer")
        COUNTS["cases: status-error raised"] += 1
    else:
        result = call(**kwargs)
        assert schema is not None, f"no declared JSON response for {status}, yet the client returned {result.parsed!r}"
        cls = python_class(stem, schema)
        assert isinstance(result.parsed, cls), f"expected {cls.__name__}, got {result.parsed!r}"
        check_parsed(stem, schema, body, result.parsed)
        roundtrip_equal(result.parsed, body)
        direct = cls.from_dict(body)  # the model alone, as a caller holding the JSON would use it
        roundtrip_equal(direct, body)
        COUNTS[f"cases: {expect} parsed"] += 1

    assert len(seen) == 1, f"the client sent {len(seen)} requests"
    assert seen[0].method == method.upper()
    if request is not None:
        sent = json.loads(seen[0].content)
        assert sent == request, f"the client sent a different body: meant {request!r}, sent {sent!r}"
        COUNTS["requests sent unchanged"] += 1
