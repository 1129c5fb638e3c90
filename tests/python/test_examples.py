"""Every example in every spec, parsed by the generated Python models.

Walks each document for media-type `example`/`examples` (request bodies and responses, inline or
under `components/responses` / `components/requestBodies`), schema `example`s (components and
their properties, recursively) and parameter examples. An example whose schema is a component
with a generated model is parsed with `Model.from_dict` (or the enum class) and checked field by
field against the JSON (unknown fields kept, open-enum values kept) and by `to_dict()`; every
example is also validated against its schema by openapi-schema-validator.
"""

from __future__ import annotations

import pytest

from conftest import (
    COUNTS,
    check_parsed,
    deref,
    parse_with_schema,
    ref_name,
    roundtrip_equal,
    schema_errors,
    spec,
    spec_stems,
)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _media_examples(doc: dict, where: str, content: dict | None):
    for media_type, media in (content or {}).items():
        if "json" not in media_type or not isinstance(media, dict) or "schema" not in media:
            continue
        if "example" in media:
            yield f"{where}/{media_type}/example", media["schema"], media["example"]
        for name, ex in (media.get("examples") or {}).items():
            ex = deref(doc, ex)
            if "value" in ex:  # an externalValue cannot be checked here
                yield f"{where}/{media_type}/examples/{name}", media["schema"], ex["value"]


def _schema_examples(where: str, schema: dict):
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if "example" in schema:
        yield f"{where}/example", schema, schema["example"]
    for name, sub in (schema.get("properties") or {}).items():
        yield from _schema_examples(f"{where}/properties/{name}", sub)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _schema_examples(f"{where}/{key}", schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(schema.get(key) or []):
            yield from _schema_examples(f"{where}/{key}/{i}", sub)


def _parameter_examples(where: str, param: dict):
    if "$ref" in param:
        return
    if "example" in param:
        yield f"{where}/example", param.get("schema", {}), param["example"]
    yield from _schema_examples(f"{where}/schema", param.get("schema") or {})


def collect(stem: str):
    doc = spec(stem)
    comps = doc.get("components") or {}
    for path, item in (doc.get("paths") or {}).items():
        base = f"#/paths/{path}"
        for i, p in enumerate(item.get("parameters") or []):
            yield from _parameter_examples(f"{base}/parameters/{i}", p)
        for method, op in item.items():
            if method not in METHODS:
                continue
            for i, p in enumerate(op.get("parameters") or []):
                yield from _parameter_examples(f"{base}/{method}/parameters/{i}", p)
            body = op.get("requestBody") or {}
            if "$ref" not in body:
                yield from _media_examples(doc, f"{base}/{method}/requestBody", body.get("content"))
            for status, resp in (op.get("responses") or {}).items():
                if "$ref" not in resp:
                    yield from _media_examples(doc, f"{base}/{method}/responses/{status}", resp.get("content"))
    for name, resp in (comps.get("responses") or {}).items():
        yield from _media_examples(doc, f"#/components/responses/{name}", resp.get("content"))
    for name, body in (comps.get("requestBodies") or {}).items():
        yield from _media_examples(doc, f"#/components/requestBodies/{name}", body.get("content"))
    for name, param in (comps.get("parameters") or {}).items():
        yield from _parameter_examples(f"#/components/parameters/{name}", param)
    for name, schema in (comps.get("schemas") or {}).items():
        for where, sub, value in _schema_examples(f"#/components/schemas/{name}", schema):
            # A component's own example is parsed with its model; a property's with its schema.
            target = {"$ref": f"#/components/schemas/{name}"} if where == f"#/components/schemas/{name}/example" else sub
            yield where, target, value


@pytest.mark.parametrize("stem", spec_stems())
def test_spec_has_examples(stem: str) -> None:
    assert list(collect(stem)), f"{stem}: the spec has no examples, so the example test proves nothing"


def _params():
    for stem in spec_stems():
        for where, schema, value in collect(stem):
            yield pytest.param(stem, where, schema, value, id=f"{stem}::{where}")


@pytest.mark.parametrize("stem,where,schema,value", list(_params()))
def test_example(stem: str, where: str, schema: dict, value) -> None:
    errors = schema_errors(stem, schema, value)
    assert not errors, "the example breaks its own schema:\n  " + "\n  ".join(errors)
    name = ref_name(schema)
    target = deref(spec(stem), schema)
    if name and (target.get("type") == "object" or "properties" in target or "enum" in target):
        parsed = parse_with_schema(stem, schema, value)
        check_parsed(stem, schema, value, parsed)
        if hasattr(parsed, "to_dict"):
            roundtrip_equal(parsed, value)
        COUNTS["examples parsed by a model"] += 1
    else:
        # A primitive, an array of primitives or an open-enum string: the generated code keeps the
        # JSON value as is, so the schema validation above is the check.
        COUNTS["examples checked by schema only"] += 1
