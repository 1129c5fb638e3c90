//! [`normalize`](super::normalize): each rewrite in isolation, what openapiv3 2.2 actually rejects,
//! the public corpus, and garbage input (wrong types, 10 000-level nesting).

use std::path::Path;

use super::{normalize, Note};
use serde_json::{json, Value};

/// `serde_json::from_value::<openapiv3::OpenAPI>` plus the path of the failing field.
fn parse(doc: &Value) -> Result<openapiv3::OpenAPI, String> {
    serde_path_to_error::deserialize(doc.clone()).map_err(|e| format!("{} (at {})", e.inner(), e.path()))
}

fn doc_with_schema(schema: Value) -> Value {
    let mut doc = json!({ "openapi": "3.1.0", "info": { "title": "t", "version": "1" }, "paths": {} });
    doc["components"] = obj([("schemas", obj([("S", schema), ("T", json!({ "type": "string", "enum": ["a"] }))]))]);
    doc
}

/// An object built by moving `pairs` in (`json!` would serialize, i.e. recurse into, them).
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Asserts that `notes` are exactly `expected` (pointer, message substring), in order.
fn assert_notes(case: &str, notes: &[Note], expected: &[(&str, &str)]) {
    let ok = notes.len() == expected.len()
        && notes.iter().zip(expected).all(|(n, (p, m))| n.pointer == *p && n.message.contains(m));
    assert!(ok, "{case}: notes {notes:#?}\nexpected {expected:#?}");
}

/// Wraps `leaf` `levels` times with `wrap`, iteratively.
fn nest(levels: usize, leaf: Value, wrap: impl Fn(Value) -> Value) -> Value {
    (0..levels).fold(leaf, |inner, _| wrap(inner))
}

/// (name, schema in, schema out, notes as (pointer below the schema, message substring)).
type SchemaCase = (&'static str, Value, Value, Vec<(&'static str, &'static str)>);

#[test]
fn schema_rewrites() {
    const S: &str = "/components/schemas/S";
    let t = json!({ "$ref": "#/components/schemas/T" });
    #[rustfmt::skip]
    let cases: Vec<SchemaCase> = vec![
        ("type [T, null] -> nullable T",
            json!({ "type": ["string", "null"], "maxLength": 3 }),
            json!({ "type": "string", "maxLength": 3, "nullable": true }), vec![]),
        ("type: null -> untyped nullable",
            json!({ "type": "null", "description": "d" }),
            json!({ "description": "d", "nullable": true }), vec![("/type", "untyped")]),
        ("type: [null] -> untyped nullable",
            json!({ "type": ["null"] }), json!({ "nullable": true }), vec![("/type", "untyped")]),
        ("type union -> oneOf, type-specific keywords move to their branch",
            json!({ "type": ["string", "integer", "null"], "maxLength": 5, "minimum": 1, "format": "int32", "description": "d" }),
            json!({ "description": "d", "nullable": true, "oneOf": [
                { "type": "string", "maxLength": 5, "format": "int32" },
                { "type": "integer", "minimum": 1, "format": "int32" } ] }),
            vec![("/type", "became oneOf")]),
        ("type union next to an existing oneOf is dropped",
            json!({ "type": ["string", "integer"], "oneOf": [{ "minLength": 1 }, { "minimum": 1 }] }),
            json!({ "oneOf": [{ "minLength": 1 }, { "minimum": 1 }] }), vec![("/type", "dropped")]),
        ("const -> enum",
            json!({ "type": "string", "const": "a" }), json!({ "type": "string", "enum": ["a"] }), vec![]),
        ("examples array -> first example",
            json!({ "type": "integer", "examples": [1, 2] }), json!({ "type": "integer", "example": 1 }), vec![]),
        ("existing example wins over examples",
            json!({ "type": "integer", "example": 0, "examples": [1] }),
            json!({ "type": "integer", "example": 0 }), vec![]),
        ("numeric exclusive bounds -> bound + flag",
            json!({ "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5 }),
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10.5, "exclusiveMaximum": true }),
            vec![]),
        ("the tighter of inclusive and exclusive bound wins",
            json!({ "type": "integer", "minimum": 5, "exclusiveMinimum": 0, "maximum": 3, "exclusiveMaximum": 3 }),
            json!({ "type": "integer", "minimum": 5, "maximum": 3, "exclusiveMaximum": true }), vec![]),
        ("3.0 boolean exclusive bounds untouched",
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true }),
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true }), vec![]),
        ("anyOf [$ref, null] -> nullable, wrapper keys kept",
            json!({ "description": "d", "anyOf": [t.clone(), { "type": "null" }] }),
            json!({ "description": "d", "nullable": true, "allOf": [t.clone()] }), vec![("", "wrapped in allOf")]),
        ("oneOf [A, B, null] -> nullable oneOf [A, B]",
            json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }, { "type": "null" }] }),
            json!({ "nullable": true, "oneOf": [{ "type": "string" }, { "type": "integer" }] }), vec![]),
        ("anyOf [inline, const null] collapses; the wrapper's description wins",
            json!({ "description": "outer", "anyOf": [{ "type": "string", "description": "inner", "maxLength": 2 }, { "const": null }] }),
            json!({ "type": "string", "description": "outer", "maxLength": 2, "nullable": true }), vec![]),
        ("anyOf of only null",
            json!({ "anyOf": [{ "type": "null" }] }), json!({ "nullable": true }), vec![("/anyOf", "only `null`")]),
        ("$ref with descriptive siblings only -> bare $ref",
            json!({ "$ref": "#/components/schemas/T", "description": "d", "x-foo": 1 }), t.clone(), vec![]),
        ("$ref with constraining siblings -> allOf",
            json!({ "$ref": "#/components/schemas/T", "nullable": true, "readOnly": true, "description": "d" }),
            json!({ "nullable": true, "readOnly": true, "description": "d", "allOf": [t.clone()] }),
            vec![("", "wrapped in allOf")]),
        ("a `type` that restates the $ref target's is dropped",
            json!({ "$ref": "#/components/schemas/T", "type": "string", "description": "d" }), t.clone(), vec![]),
        ("a `type` that differs from the $ref target's is kept",
            json!({ "$ref": "#/components/schemas/T", "type": "integer" }),
            json!({ "type": "integer", "allOf": [t.clone()] }), vec![("", "wrapped in allOf")]),
        ("$ref next to allOf joins it",
            json!({ "$ref": "#/components/schemas/T", "allOf": [{ "$ref": "#/components/schemas/U" }] }),
            json!({ "allOf": [t.clone(), { "$ref": "#/components/schemas/U" }] }), vec![("", "wrapped in allOf")]),
        ("boolean schemas -> {} / {not: {}}; boolean additionalProperties stays",
            json!({ "type": "object", "properties": { "any": true, "none": false }, "additionalProperties": false }),
            json!({ "type": "object", "properties": { "any": {}, "none": { "not": {} } }, "additionalProperties": false }),
            vec![]),
        ("tuple items -> items: {}",
            json!({ "type": "array", "items": [{ "type": "string" }, { "type": "integer" }] }),
            json!({ "type": "array", "items": {} }), vec![("/items", "tuple")]),
        ("prefixItems dropped; items: false would forbid every item",
            json!({ "type": "array", "prefixItems": [{ "type": "string" }], "items": false }),
            json!({ "type": "array", "items": {} }), vec![("/prefixItems", "prefixItems")]),
        ("unsupported keywords dropped with notes",
            json!({ "type": "object", "if": { "required": ["a"] }, "then": { "required": ["b"] },
                    "dependentRequired": { "a": ["b"] }, "unevaluatedProperties": false, "propertyNames": { "pattern": "^x" } }),
            json!({ "type": "object" }),
            vec![("/if", "`if`"), ("/then", "`then`"), ("/dependentRequired", "dependentRequired"),
                 ("/unevaluatedProperties", "unevaluatedProperties"), ("/propertyNames", "propertyNames")]),
        ("$defs are kept and normalized",
            json!({ "type": "object", "$defs": { "N": { "type": ["integer", "null"] } },
                    "properties": { "n": { "$ref": "#/components/schemas/S/$defs/N" } } }),
            json!({ "type": "object", "$defs": { "N": { "type": "integer", "nullable": true } },
                    "properties": { "n": { "$ref": "#/components/schemas/S/$defs/N" } } }), vec![]),
        ("one patternProperties entry -> additionalProperties",
            json!({ "type": "object", "patternProperties": { "^[a-z]+$": { "type": "integer" } } }),
            json!({ "type": "object", "additionalProperties": { "type": "integer" } }),
            vec![("/patternProperties", "key pattern `^[a-z]+$` dropped")]),
        ("several patternProperties dropped",
            json!({ "type": "object", "patternProperties": { "^a": {}, "^b": {} } }),
            json!({ "type": "object" }), vec![("/patternProperties", "dropped")]),
        ("contentEncoding base64 -> format: byte",
            json!({ "type": "string", "contentEncoding": "base64", "contentMediaType": "image/png" }),
            json!({ "type": "string", "format": "byte" }), vec![]),
        ("binary contentMediaType -> format: binary",
            json!({ "type": "string", "contentMediaType": "application/octet-stream" }),
            json!({ "type": "string", "format": "binary" }), vec![]),
        ("textual contentMediaType is only an annotation",
            json!({ "type": "string", "contentMediaType": "application/json" }), json!({ "type": "string" }), vec![]),
        ("nullable as a string -> bool",
            json!({ "type": "string", "nullable": "true" }), json!({ "type": "string", "nullable": true }),
            vec![("/nullable", "`nullable` \"true\" should be a boolean: read as true")]),
        ("nullable of another type dropped",
            json!({ "type": "string", "nullable": 1 }), json!({ "type": "string" }), vec![("/nullable", "`nullable` 1 is not a boolean: dropped")]),
        ("wrong-typed keywords read as meant",
            json!({ "type": "object", "required": "a", "properties": {
                "a": { "type": "integer", "minimum": "5", "maximum": " -1.5 ", "exclusiveMaximum": "true" },
                "b": { "type": "string", "maxLength": "10", "enum": "x", "description": 7, "readOnly": "false" },
                "c": { "type": "String", "allOf": { "$ref": "#/components/schemas/T" } } } }),
            json!({ "type": "object", "required": ["a"], "properties": {
                "a": { "type": "integer", "minimum": 5, "maximum": -2 },
                "b": { "type": "string", "maxLength": 10, "enum": ["x"], "description": "7", "readOnly": false },
                "c": { "type": "string", "allOf": [{ "$ref": "#/components/schemas/T" }] } } }),
            vec![("/required", "`required` \"a\" should be a list of property names: read as [\"a\"]"),
                 ("/properties/a/minimum", "`minimum` \"5\" should be a finite number: read as 5"),
                 ("/properties/a/maximum", "read as -1.5"),
                 ("/properties/a/exclusiveMaximum", "read as true"),
                 ("/properties/a/maximum", "read as -2"),
                 ("/properties/b/maxLength", "`maxLength` \"10\" should be a finite number: read as 10"),
                 ("/properties/b/enum", "`enum` \"x\" should be a list of values: read as [\"x\"]"),
                 ("/properties/b/description", "read as \"7\""),
                 ("/properties/b/readOnly", "read as false"),
                 ("/properties/c/type", "`type` `String` read as `string`"),
                 ("/properties/c/allOf", "should be a list of schemas")]),
        ("wrong-typed keywords that mean nothing dropped",
            json!({ "type": "object", "properties": {
                "a": { "type": "string", "pattern": 0, "format": ["x"], "minLength": "many", "enum": null },
                "b": { "type": "strin" }, "c": { "type": ["integer", "nul"] }, "d": "string",
                "e": { "type": 5, "properties": [], "oneOf": "x", "uniqueItems": 1 } } }),
            json!({ "type": "object", "properties": {
                "a": { "type": "string" }, "b": {}, "c": { "type": "integer" }, "d": {}, "e": {} } }),
            vec![("/properties/a/pattern", "`pattern` 0 is not a string: dropped; help: `pattern` takes a string"),
                 ("/properties/a/format", "`format` a list is not a string: dropped"),
                 ("/properties/a/minLength", "`minLength` \"many\" is not a finite number: dropped"),
                 ("/properties/a/enum", "`enum` null is not a list of values: dropped"),
                 ("/properties/b/type", "unknown type `strin`: dropped, so any JSON value is accepted here; help: did you mean `string`?"),
                 ("/properties/c/type", "unknown type `nul`: dropped, so any JSON value is accepted here; help: did you mean `null`?"),
                 ("/properties/d", "\"string\" is not a schema: read as any JSON value"),
                 ("/properties/e/type", "`type` 5 is not a type name: dropped"),
                 ("/properties/e/properties", "`properties` a list is not an object of schemas: dropped"),
                 ("/properties/e/oneOf", "`oneOf` \"x\" is not a list of schemas: dropped"),
                 ("/properties/e/uniqueItems", "`uniqueItems` 1 is not a boolean: dropped")]),
        ("Swagger-style required: true dropped",
            json!({ "type": "object", "properties": { "a": { "type": "string", "required": true } } }),
            json!({ "type": "object", "properties": { "a": { "type": "string" } } }),
            vec![("/properties/a/required", "`required` true is not a list of property names: dropped")]),
        ("nested schema positions",
            json!({ "type": "object",
                    "properties": { "a": { "type": "array", "items": { "type": ["integer", "null"] } },
                                    "x-rate": { "type": ["number", "null"] } },
                    "additionalProperties": { "type": ["boolean", "null"] },
                    "allOf": [{ "not": { "const": 1 } }] }),
            json!({ "type": "object",
                    "properties": { "a": { "type": "array", "items": { "type": "integer", "nullable": true } },
                                    "x-rate": { "type": "number", "nullable": true } },
                    "additionalProperties": { "type": "boolean", "nullable": true },
                    "allOf": [{ "not": { "enum": [1] } }] }), vec![]),
        ("integer bounds beyond 64 bits are clamped; the exclusive flag goes with them",
            json!({ "type": "integer", "minimum": -1e19, "maximum": 1.8e19, "exclusiveMaximum": true }),
            json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }),
            vec![("/minimum", "outside the 64-bit range: read as -9223372036854775808"),
                 ("/maximum", "outside the 64-bit range: read as 9223372036854775807")]),
        ("fractional integer bounds round inwards and become inclusive; a fractional multipleOf goes",
            json!({ "type": "integer", "minimum": 1.5, "exclusiveMinimum": true, "maximum": 9.0, "exclusiveMaximum": true, "multipleOf": 0.5 }),
            json!({ "type": "integer", "minimum": 2, "maximum": 9, "exclusiveMaximum": true }),
            vec![("/minimum", "not a whole number: read as 2"), ("/maximum", "written as a float: read as 9"),
                 ("/multipleOf", "dropped")]),
        ("counts that are not unsigned integers",
            json!({ "type": "array", "minItems": 1.5, "maxItems": -1, "items": { "type": "string", "maxLength": 2.5, "minLength": 1e30 } }),
            json!({ "type": "array", "minItems": 2, "items": { "type": "string", "maxLength": 2, "minLength": u64::MAX } }),
            vec![("/minItems", "read as 2"), ("/maxItems", "negative"),
                 ("/items/minLength", "read as 18446744073709551615"), ("/items/maxLength", "read as 2")]),
        ("a number schema's float bounds are fine as they are",
            json!({ "type": "number", "minimum": -1e19, "multipleOf": 0.5 }),
            json!({ "type": "number", "minimum": -1e19, "multipleOf": 0.5 }), vec![]),
        ("clean 3.0 schema untouched",
            json!({ "type": "object", "required": ["id"], "properties": {
                "id": { "type": "integer", "format": "int64", "minimum": 1 },
                "tags": { "type": "array", "items": t.clone(), "example": ["a"] },
                "meta": { "type": "object", "additionalProperties": true, "nullable": true } } }),
            json!({ "type": "object", "required": ["id"], "properties": {
                "id": { "type": "integer", "format": "int64", "minimum": 1 },
                "tags": { "type": "array", "items": t.clone(), "example": ["a"] },
                "meta": { "type": "object", "additionalProperties": true, "nullable": true } } }), vec![]),
    ];
    for (case, input, expected, notes) in cases {
        let mut doc = doc_with_schema(input);
        let got = normalize(&mut doc);
        assert_eq!(doc["components"]["schemas"]["S"], expected, "{case}");
        let expected_notes: Vec<(String, &str)> = notes.iter().map(|(p, m)| (format!("{S}{p}"), *m)).collect();
        let expected_notes: Vec<(&str, &str)> = expected_notes.iter().map(|(p, m)| (p.as_str(), *m)).collect();
        assert_notes(case, &got, &expected_notes);
        if let Err(e) = parse(&doc) {
            panic!("{case}: openapiv3 rejects the normalized document: {e}");
        }
        // Normalizing is idempotent.
        let before = doc.clone();
        assert_notes(case, &normalize(&mut doc), &[]);
        assert_eq!(doc, before, "{case}: second pass changed the document");
    }
}

/// What openapiv3 2.2 does with raw 3.1 constructs, i.e. why each rewrite exists (or not).
#[test]
fn openapiv3_behaviour_on_raw_constructs() {
    let base = |patch: &dyn Fn(&mut Value)| {
        let mut doc = doc_with_schema(json!({ "type": "string" }));
        patch(&mut doc);
        doc
    };
    let schema = |s: Value| move |d: &mut Value| d["components"]["schemas"]["S"] = s.clone();
    #[rustfmt::skip]
    let rejected: Vec<(&str, Value)> = vec![
        ("type array", base(&schema(json!({ "type": ["string", "null"] })))),
        ("numeric exclusiveMinimum", base(&schema(json!({ "type": "integer", "exclusiveMinimum": 0 })))),
        ("boolean schema", base(&schema(json!(true)))),
        ("tuple items", base(&schema(json!({ "type": "array", "items": [{}] })))),
        ("nullable string", base(&schema(json!({ "type": "string", "nullable": "true" })))),
        ("required: true", base(&schema(json!({ "type": "object", "required": true })))),
        ("missing paths", base(&|d: &mut Value| { d.as_object_mut().unwrap().remove("paths"); })),
        ("callback $ref", base(&|d: &mut Value| d["paths"] = json!({ "/a": { "post": {
            "responses": { "200": { "description": "ok" } },
            "callbacks": { "cb": { "$ref": "#/components/callbacks/CB" } } } } }))),
        ("mutualTLS", base(&|d: &mut Value| d["components"]["securitySchemes"] = json!({ "m": { "type": "mutualTLS" } }))),
    ];
    for (case, doc) in rejected {
        assert!(parse(&doc).is_err(), "openapiv3 now accepts {case}; the rewrite may be unnecessary");
        let mut doc = doc;
        normalize(&mut doc);
        parse(&doc).unwrap_or_else(|e| panic!("{case} after normalize: {e}"));
    }
    #[rustfmt::skip]
    let ignored: Vec<(&str, Value)> = vec![
        ("const", base(&schema(json!({ "const": 1 })))),
        ("examples array", base(&schema(json!({ "type": "string", "examples": ["a"] })))),
        ("$defs / if / patternProperties / contentMediaType", base(&schema(json!({ "type": "object",
            "$defs": { "A": true }, "if": {}, "patternProperties": { "^a": {} }, "contentMediaType": "image/png" })))),
        ("3.1 top level", base(&|d: &mut Value| {
            d["webhooks"] = json!({ "w": { "post": { "responses": { "200": { "description": "ok" } } } } });
            d["jsonSchemaDialect"] = json!("https://spec.openapis.org/oas/3.1/dialect/base");
            d["info"]["summary"] = json!("s");
            d["info"]["license"] = json!({ "name": "MIT", "identifier": "MIT" });
        })),
    ];
    for (case, doc) in ignored {
        parse(&doc).unwrap_or_else(|e| panic!("openapiv3 no longer ignores {case}: {e}"));
    }
    // `$ref` siblings parse, but as a bare reference: the sibling is silently lost.
    let s = json!({ "$ref": "#/components/schemas/T", "nullable": true });
    let parsed: openapiv3::ReferenceOr<openapiv3::Schema> = serde_json::from_value(s).unwrap();
    assert!(matches!(parsed, openapiv3::ReferenceOr::Reference { .. }));
}

#[test]
fn document_level_rewrites() {
    for (given, want) in
        [(json!("3.1.0"), "3.0.3"), (json!("3.1.1"), "3.0.3"), (json!("3.0.1"), "3.0.1"), (json!(3.1), "3.0.3")]
    {
        let mut doc = json!({ "openapi": given, "info": { "title": "t", "version": "1" }, "paths": {} });
        assert_notes("version", &normalize(&mut doc), &[]);
        assert_eq!(doc["openapi"], want);
    }
    // 3.1: no paths, webhooks, jsonSchemaDialect, info.summary, license.identifier.
    let mut doc = json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": { "title": "t", "version": "1", "summary": "s", "license": { "name": "MIT", "identifier": "MIT" } },
        "webhooks": { "ping": { "post": { "responses": { "200": { "description": "ok" } } } } }
    });
    assert_notes("3.1 top level", &normalize(&mut doc), &[("/webhooks", "webhooks")]);
    assert_eq!(doc["paths"], json!({}));
    assert_eq!(doc["info"]["license"]["identifier"], "MIT");
    parse(&doc).unwrap();

    let mut doc = json!({
        "openapi": "3.1.0", "info": { "title": "t", "version": "1" }, "paths": {},
        "components": { "securitySchemes": { "tls": { "type": "mutualTLS" }, "key": { "type": "apiKey", "in": "header", "name": "k" } } },
        "security": [{ "tls": [] }, { "key": [] }]
    });
    assert_notes("mutualTLS", &normalize(&mut doc), &[("/components/securitySchemes/tls", "mutualTLS")]);
    assert_eq!(
        doc["components"]["securitySchemes"],
        json!({ "key": { "type": "apiKey", "in": "header", "name": "k" } })
    );
    parse(&doc).unwrap();
}

/// Every place a schema can sit is reached; example values and extensions are never touched.
#[test]
fn every_schema_position_is_walked_and_data_is_not() {
    let s = json!({ "type": ["string", "null"] });
    let data = json!({ "schema": { "type": ["string", "null"] } });
    let media = json!({ "application/json": { "schema": s, "example": data, "examples": { "e": { "value": data } },
        "encoding": { "schema": { "headers": { "H": { "schema": s } } } } } });
    let ok = json!({ "200": { "description": "ok", "headers": { "H": { "schema": s } }, "content": media } });
    let mut doc = json!({
        "openapi": "3.1.0", "info": { "title": "t", "version": "1" },
        "paths": { "/a/{id}": {
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": s }],
            "get": {
                "parameters": [{ "name": "q", "in": "query", "schema": s, "example": data },
                               { "name": "c", "in": "query", "content": media }],
                "requestBody": { "content": media },
                "responses": ok,
                "callbacks": { "inline": { "{$request.body#/url}": { "post": { "requestBody": { "content": media }, "responses": ok } } } },
                "x-data": data
            } } },
        "components": {
            "schemas": { "S": s },
            "parameters": { "P": { "name": "p", "in": "header", "schema": s } },
            "headers": { "H": { "schema": s } },
            "requestBodies": { "B": { "content": media } },
            "responses": { "R": { "description": "r", "content": media } },
            "callbacks": { "C": { "{$url}": { "put": { "responses": ok } } } },
            "examples": { "E": { "value": data } }
        }
    });
    let count = |doc: &Value| doc.to_string().matches(r#"["string","null"]"#).count();
    // 8 media objects, each with 2 schemas (its own, an encoding header's) and 2 example values;
    // 3 response headers and 5 parameter/component schemas; a parameter example, x-data, E.
    let (schemas, data) = (8 * 2 + 3 + 5, 8 * 2 + 3);
    assert_eq!(count(&doc), schemas + data);
    assert_notes("positions", &normalize(&mut doc), &[]);
    parse(&doc).unwrap();
    assert_eq!(count(&doc), data, "{doc:#}");
}

#[test]
fn referenced_callbacks_and_path_items_are_inlined() {
    let op = json!({ "responses": { "200": { "description": "ok",
        "content": { "application/json": { "schema": { "type": ["integer", "null"] } } } } } });
    let mut doc = json!({
        "openapi": "3.1.0", "info": { "title": "t", "version": "1" },
        "paths": {
            "/a": { "post": { "responses": { "200": { "description": "ok" } }, "callbacks": {
                "direct": { "$ref": "#/components/callbacks/CB" },
                "chained": { "$ref": "#/components/callbacks/Alias" },
                "missing": { "$ref": "#/components/callbacks/Nope" } } } },
            "/b": { "$ref": "#/components/pathItems/B" },
            "/external": { "$ref": "other.yaml#/paths/~1x" }
        },
        "components": {
            "callbacks": { "CB": { "{$request.body#/url}": { "post": op } }, "Alias": { "$ref": "#/components/callbacks/CB" } },
            "pathItems": { "B": { "get": op } }
        }
    });
    let notes = normalize(&mut doc);
    assert_notes("inline", &notes, &[("/paths/~1a/post/callbacks/missing", "unresolvable callbacks $ref")]);
    let nullable_int = json!({ "type": "integer", "nullable": true });
    let cb = &doc["paths"]["/a"]["post"]["callbacks"];
    for name in ["direct", "chained"] {
        let schema =
            &cb[name]["{$request.body#/url}"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema, &nullable_int, "{name}");
    }
    assert!(cb.get("missing").is_none());
    assert_eq!(doc["paths"]["/b"]["get"]["responses"]["200"]["content"]["application/json"]["schema"], nullable_int);
    assert_eq!(doc["paths"]["/external"], json!({ "$ref": "other.yaml#/paths/~1x" }));
    let api = parse(&doc).unwrap();
    assert_eq!(api.operations().count(), 2);
}

#[test]
fn corpus_documents_parse_after_normalizing() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus"));
    assert!(dir.is_dir(), "corpus directory {} is missing: the corpus test cannot run", dir.display());
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("corpus MANIFEST.tsv");
    let mut checked = 0;
    for name in manifest.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|n| !n.is_empty()) {
        let path = ["json", "yaml", "yml"]
            .iter()
            .map(|ext| dir.join(format!("{name}.{ext}")))
            .find(|p| p.is_file())
            .unwrap_or_else(|| {
                panic!("MANIFEST.tsv lists {name} but there is no {name}.json/.yaml in {}", dir.display())
            });
        let text = std::fs::read_to_string(&path).unwrap();
        let mut doc: Value = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
        } else {
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        // Swagger 2.0 documents reach the normalizer converted, as `load` does it.
        let mut notes = if doc.get("swagger").is_some() { crate::swagger2::convert(&mut doc) } else { Vec::new() };
        notes.extend(normalize(&mut doc));
        for n in &notes {
            println!("{name}: {} {}", n.pointer, n.message);
        }
        if let Err(e) = parse(&doc) {
            panic!("{name}: openapiv3 rejects the normalized document: {e}");
        }
        checked += 1;
    }
    assert!(checked >= 22, "only {checked} corpus documents found");
}

#[test]
fn garbage_never_panics() {
    #[rustfmt::skip]
    let garbage = vec![
        json!(null), json!(3), json!("x"), json!([1, {}]), json!({}),
        json!({ "openapi": [], "paths": 3, "webhooks": 1 }),
        json!({ "openapi": 3.1, "paths": { "/a": 3, "/b": { "get": 3, "parameters": 7, "post": { "callbacks": 5, "responses": [] } } } }),
        json!({ "components": 3 }),
        json!({ "components": { "schemas": 3, "callbacks": [1], "pathItems": 2, "securitySchemes": { "a": 3, "b": { "type": "mutualTLS" } } } }),
        json!({ "paths": { "/a": { "$ref": 3 }, "/b": { "$ref": "#/components/pathItems/A" } },
                "components": { "pathItems": { "A": { "$ref": "#/components/pathItems/A" } } } }),
        json!({ "paths": { "/a": { "post": { "callbacks": { "a": { "$ref": "#/components/callbacks/A" }, "b": { "$ref": 5 }, "c": 1 } } } },
                "components": { "callbacks": { "A": { "$ref": "#/components/callbacks/B" }, "B": { "$ref": "#/components/callbacks/A" } } } }),
        json!({ "components": { "schemas": {
            "A": { "type": ["null", 3, "string", "string", "array"], "properties": 3, "items": [1, true], "anyOf": 5,
                   "oneOf": [null, 3, { "type": "null" }], "allOf": {}, "exclusiveMinimum": "x", "exclusiveMaximum": 1e300,
                   "minimum": "a", "nullable": [], "examples": [], "const": null, "prefixItems": 1, "patternProperties": [],
                   "contentEncoding": 4, "contentMediaType": [], "required": false, "not": 4 },
            "B": { "$ref": 4, "description": 1 }, "C": { "$ref": "#/x", "allOf": 3, "y": 1 }, "D": [true, false], "E": false,
            "F": { "anyOf": [3, { "type": "null" }] }, "G": { "oneOf": [{ "enum": [null] }, true] }, "H": { "type": [] },
            "I": { "anyOf": [{ "anyOf": [{ "type": ["null"] }] }, { "const": null }] },
            "J": { "type": "object", "additionalProperties": { "type": ["x", "y"] }, "patternProperties": { "a": 1 } } } } }),
    ];
    for doc in garbage {
        let mut normalized = doc.clone();
        normalize(&mut normalized);
        normalize(&mut normalized);
        let _ = serde_json::from_value::<openapiv3::OpenAPI>(normalized);
    }
}

#[test]
fn deep_nesting_is_cut_off_not_overflowed() {
    const LEVELS: usize = 10_000;
    let in_schema = doc_with_schema;
    let deep_props = nest(LEVELS, json!({}), |s| obj([("type", json!("object")), ("properties", obj([("p", s)]))]));
    let deep_all_of = nest(LEVELS, json!({}), |s| obj([("allOf", Value::Array(vec![s]))]));
    let deep_null_any_of = nest(LEVELS, json!({ "type": "string" }), |s| {
        obj([("anyOf", Value::Array(vec![s, json!({ "type": "null" })]))])
    });
    let deep_data = || nest(LEVELS, json!(1), |v| Value::Array(vec![v]));
    let deep_callbacks = nest(LEVELS, json!({}), |p| {
        let callbacks = obj([("cb", obj([("{$url}", p)]))]);
        obj([("post", obj([("responses", json!({})), ("callbacks", callbacks)]))])
    });
    let deep_callback_component = obj([("{$url}", deep_data())]);
    let mut cases = vec![
        ("properties", in_schema(deep_props), true),
        ("allOf", in_schema(deep_all_of), true),
        ("anyOf with null", in_schema(deep_null_any_of), false),
        ("dropped keyword", in_schema(obj([("if", deep_data())])), false),
        (
            "type-union keyword",
            in_schema(obj([("type", json!(["string", "integer"])), ("format", deep_data())])),
            false,
        ),
        ("example data", in_schema(obj([("example", deep_data())])), false),
        ("callbacks", obj([("openapi", json!("3.1.0")), ("paths", obj([("/a", deep_callbacks)]))]), true),
        (
            "referenced deep callback",
            {
                let mut doc = json!({ "paths": { "/a": { "post": { "callbacks": { "c": { "$ref": "#/components/callbacks/D" } } } } } });
                doc["components"] = obj([("callbacks", obj([("D", deep_callback_component)]))]);
                doc
            },
            false,
        ),
        ("bare array", deep_data(), false),
    ];
    for (case, doc, cut) in &mut cases {
        let notes = normalize(doc);
        let depth_note = notes.iter().any(|n| n.message.contains("nested deeper"));
        assert_eq!(depth_note, *cut, "{case}: {:?}", notes.iter().map(|n| &n.message).collect::<Vec<_>>());
    }
    for (_, doc, _) in cases {
        super::discard(doc);
    }
}
