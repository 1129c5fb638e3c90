//! The model the builder makes of small documents: what a skipped operation leaves behind, closed
//! objects, pinned values, Express-style path segments, and which types get client-side checks
//! and constructors.

use crate::model::{Api, Segment, Ty, TypeKind};
use std::path::Path;

fn build(yaml: &str) -> (Api, Vec<String>) {
    let path = Path::new("test.yaml");
    let loaded = crate::load::load_str(path, yaml).unwrap_or_else(|e| panic!("{e}"));
    let (api, warnings) = crate::build_model(path, &loaded).unwrap_or_else(|e| panic!("{e}"));
    (api, warnings.iter().map(|w| w.to_string()).collect())
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn a_skipped_operation_leaves_no_name_and_no_type_behind() {
    // The first `getItem` defines an inline body type, then turns out to need a response from
    // a remote document, which the generator does not fetch: it is skipped. Its method name, type
    // stem and inline type must not stay claimed (the kept one would become `get_item2`, and
    // `GetItemBody` would be emitted for nothing).
    let (api, warnings) = build(&format!(
        "{HEAD}paths:
  /a:
    post:
      operationId: getItem
      requestBody: {{content: {{application/json: {{schema: {{type: object, properties: {{a: {{type: string}}}}}}}}}}}}
      responses:
        '200': {{$ref: 'https://example.com/other.yaml#/components/responses/Ok'}}
  /b:
    get:
      operationId: getItem
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{b: {{type: integer}}}}}}}}}}}}
"
    ));
    assert!(warnings.iter().any(|w| w.contains("other.yaml") && w.contains("skipped")), "{warnings:?}");
    assert_eq!(api.operations.len(), 1);
    let op = &api.operations[0];
    assert_eq!((op.name.as_str(), op.type_stem.as_str(), op.path.as_str()), ("get_item", "GetItem", "/b"));
    assert_eq!(op.error_enum, "GetItemError");
    let names: Vec<&str> = api.types.keys().map(String::as_str).collect();
    assert_eq!(names, ["GetItemResponse"], "no `GetItemBody` left from the skipped operation");
    let TypeKind::Struct { fields, .. } = &api.types["GetItemResponse"].kind else { panic!("a struct") };
    assert_eq!(fields[0].json_name, "b", "the kept operation's own body type");
}

#[test]
fn additional_properties_false_closes_a_struct() {
    let (api, _) = build(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Closed: {{type: object, additionalProperties: false, properties: {{a: {{type: string}}}}}}
    Open: {{type: object, properties: {{a: {{type: string}}}}}}
    Typed: {{type: object, additionalProperties: {{type: integer}}, properties: {{a: {{type: string}}}}}}
"
    ));
    let extra = |n: &str| match &api.types[n].kind {
        TypeKind::Struct { extra, .. } => extra.clone(),
        other => panic!("{n}: {other:?}"),
    };
    assert_eq!(extra("Closed"), None, "nothing else can arrive, so nothing is kept");
    assert_eq!(extra("Open"), Some(crate::model::Ty::Json));
    assert_eq!(extra("Typed"), Some(crate::model::Ty::Int { bits: 64, signed: true }));
}

#[test]
fn a_single_value_enum_property_is_a_pinned_string() {
    let (api, _) = build(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Shape: {{type: object, required: [kind, size], properties: {{kind: {{type: string, enum: [circle]}}, size: {{type: number}}}}}}
"
    ));
    let TypeKind::Struct { fields, .. } = &api.types["Shape"].kind else { panic!("a struct") };
    assert_eq!(fields[0].constant.as_deref(), Some("circle"));
    assert_eq!(fields[0].ty, crate::model::Ty::String);
    assert_eq!(api.types.len(), 1, "no one-value enum type of its own");
}

#[test]
fn express_style_segments_become_path_parameters() {
    let (api, warnings) = build(&format!(
        "{HEAD}paths:
  /bots/find/:botId/{{instance}}:
    get:
      operationId: findBot
      parameters:
        - {{name: botId, in: path, required: true, schema: {{type: string}}}}
        - {{name: instance, in: path, required: true, schema: {{type: integer}}}}
      responses: {{'204': {{description: ok}}}}
"
    ));
    assert!(warnings.iter().any(|w| w.contains("`:botId`")), "{warnings:?}");
    let op = &api.operations[0];
    let names: Vec<&str> = op.params.iter().map(|p| p.rust_name.as_str()).collect();
    assert_eq!(names, ["bot_id", "instance"]);
    assert_eq!(
        op.segments,
        [Segment::Lit("/bots/find/".into()), Segment::Param(0), Segment::Lit("/".into()), Segment::Param(1)]
    );
}

#[test]
fn only_types_a_request_carries_are_checked_and_constructed() {
    let (api, _) = build(&format!(
        "{HEAD}paths:
  /a:
    post:
      requestBody:
        content: {{application/json: {{schema: {{$ref: '#/components/schemas/In'}}}}}}
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Out'}}}}}}}}
components:
  schemas:
    Name: {{type: string, maxLength: 5}}
    Inner: {{type: object, required: [n, m], properties: {{n: {{$ref: '#/components/schemas/Name'}}, m: {{type: string}}}}}}
    In: {{type: object, properties: {{inner: {{$ref: '#/components/schemas/Inner'}}, note: {{type: string}}}}}}
    Out: {{type: object, properties: {{name: {{$ref: '#/components/schemas/Name'}}}}}}
"
    ));
    let t = |n: &str| (&api.types[n].sent, &api.types[n].checked);
    assert_eq!(t("In"), (&true, &true), "it holds Inner, which has a rule");
    assert_eq!(t("Inner"), (&true, &true), "its `n` is a Name, maxLength 5, wherever Name is defined");
    assert_eq!(t("Out"), (&false, &false), "only received");
    let TypeKind::Struct { required_struct, .. } = &api.types["Inner"].kind else { panic!("a struct") };
    assert_eq!(required_struct.as_deref(), Some("InnerRequired"));
    let TypeKind::Struct { required_struct, .. } = &api.types["Out"].kind else { panic!("a struct") };
    assert_eq!(required_struct, &None);
}

#[test]
fn an_inline_schema_merged_through_allof_is_one_type_named_where_it_is_declared() {
    // `Child` comes first in the document and merges `Parent`, whose inline `status` enum becomes
    // one type named after `Parent`, not a copy per schema that merges it. Each level of `Deep`
    // merges the level below twice: merged once each, the build stays linear (2^30 merges before).
    let mut yaml = format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Child:
      allOf:
        - $ref: '#/components/schemas/Parent'
        - {{type: object, properties: {{name: {{type: string}}}}}}
    Parent:
      type: object
      properties:
        status: {{type: string, enum: [on, off]}}
    Deep0: {{type: object, properties: {{v: {{type: object, properties: {{w: {{type: string}}}}}}}}}}
"
    );
    for i in 1..=30 {
        let below = format!("'#/components/schemas/Deep{}'", i - 1);
        yaml.push_str(&format!("    Deep{i}: {{allOf: [{{$ref: {below}}}, {{$ref: {below}}}]}}\n"));
    }
    let (api, warnings) = build(&yaml);
    assert!(warnings.is_empty(), "{warnings:?}");
    let field_ty = |t: &str, f: &str| match &api.types[t].kind {
        TypeKind::Struct { fields, .. } => {
            format!("{:?}", fields.iter().find(|x| x.json_name == f).map(|x| &x.ty))
        }
        other => panic!("{t} is {other:?}"),
    };
    assert_eq!(field_ty("Child", "status"), field_ty("Parent", "status"));
    assert!(field_ty("Parent", "status").contains("\"ParentStatus\""), "{}", field_ty("Parent", "status"));
    assert_eq!(field_ty("Deep30", "v"), field_ty("Deep0", "v"));
    // Child, Parent, ParentStatus, Deep0..=Deep30 and Deep0's one inline `v`.
    assert_eq!(api.types.len(), 3 + 31 + 1, "{:?}", api.types.keys().collect::<Vec<_>>());
}

#[test]
fn references_that_lead_back_to_themselves_are_any_json_value() {
    let (api, warnings) = build(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Me: {{$ref: '#/components/schemas/Me'}}
    Holder: {{type: object, properties: {{me: {{$ref: '#/components/schemas/Me'}}}}}}
"
    ));
    assert!(matches!(&api.types["Me"].kind, TypeKind::Alias { ty: Ty::Json }), "{:?}", api.types["Me"].kind);
    assert_eq!(
        warnings,
        ["at #/components/schemas/Me: `#/components/schemas/Me` only leads back to itself; `Me` is any JSON value"]
    );
    assert!(api.untyped.iter().any(|u| u.location == "#/components/schemas/Me"));
}

#[test]
fn an_empty_union_is_any_json_value_with_a_warning() {
    // As written, `oneOf: []` matches nothing: a type for it would make every answer that has
    // the property a decode error, turning a success into a failure.
    let (api, warnings) = build(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Nothing: {{oneOf: []}}
    Holder: {{type: object, properties: {{either: {{anyOf: []}}, nothing: {{$ref: '#/components/schemas/Nothing'}}}}}}
"
    ));
    assert!(matches!(&api.types["Nothing"].kind, TypeKind::Alias { ty: Ty::Json }), "{:?}", api.types["Nothing"].kind);
    let TypeKind::Struct { fields, .. } = &api.types["Holder"].kind else { panic!("{:?}", api.types["Holder"].kind) };
    let either = fields.iter().find(|f| f.json_name == "either").expect("field either");
    assert!(matches!(either.ty, Ty::Json), "{:?}", either.ty);
    assert_eq!(
        warnings,
        [
            "at #/components/schemas/Holder/properties/either: an empty `anyOf` has no alternative to match: any JSON value is accepted",
            "at #/components/schemas/Nothing: an empty `oneOf` has no alternative to match: any JSON value is accepted",
        ]
    );
    let reasons: Vec<_> = api.untyped.iter().map(|u| (u.location.as_str(), u.reason.label())).collect();
    assert!(reasons.contains(&("#/components/schemas/Nothing", "empty union")), "{reasons:?}");
    assert!(reasons.contains(&("#/components/schemas/Holder/properties/either", "empty union")), "{reasons:?}");
}

#[test]
fn an_allof_that_only_describes_a_reference_is_the_reference() {
    // amazonaws.com's documents describe every property so: `allOf: [$ref, {description}]`.
    // It used to become an empty struct per property (`ApplicationDescription`), which could not
    // decode the string the API sends.
    let (api, _) = build(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Description: {{type: string, maxLength: 1024}}
    Tags: {{type: object, properties: {{a: {{type: string}}}}}}
    Application:
      type: object
      properties:
        Description:
          allOf: [{{$ref: '#/components/schemas/Description'}}, {{description: The description of the application.}}]
        Tags:
          allOf: [{{$ref: '#/components/schemas/Tags'}}, {{description: Its tags.}}]
        Both:
          allOf: [{{$ref: '#/components/schemas/Tags'}}, {{type: object, properties: {{b: {{type: integer}}}}}}]
"
    ));
    let TypeKind::Struct { fields, .. } = &api.types["Application"].kind else { panic!("a struct") };
    let field = |name: &str| fields.iter().find(|f| f.json_name == name).unwrap();
    assert_eq!(field("Description").ty, Ty::Named("Description".into()));
    assert_eq!(field("Description").doc.as_deref(), Some("The description of the application."));
    assert_eq!(field("Tags").ty, Ty::Named("Tags".into()));
    assert!(!api.types.contains_key("ApplicationDescription"), "no type made for a description");
    // Two parts that both shape the value are still merged into a type of its own.
    assert_eq!(field("Both").ty, Ty::Named("ApplicationBoth".into()));
}

#[test]
fn a_query_string_in_the_path_key_is_left_to_the_query_parameters() {
    // medium.com's document has `/search/articles?query={query}` with `query` declared in: query;
    // the operation used to be skipped ("path template variable `{query}` has no path parameter").
    let (api, warnings) = build(&format!(
        "{HEAD}paths:
  /search/articles?query={{query}}:
    get:
      operationId: searchArticles
      parameters: [{{name: query, in: query, required: true, schema: {{type: string}}}}]
      responses: {{'204': {{description: ok}}}}
  /other?mode={{mode}}:
    get:
      operationId: other
      responses: {{'204': {{description: ok}}}}
"
    ));
    let op = &api.operations[0];
    assert_eq!((op.name.as_str(), op.path.as_str()), ("search_articles", "/search/articles"));
    assert_eq!(op.segments, [Segment::Lit("/search/articles".into())]);
    assert!(warnings.iter().any(|w| w.contains("`?query={query}` in the path is left out")), "{warnings:?}");
    // Without a parameter of that name, the query string declares it (the repair): a required
    // string query parameter, and the query string leaves the template all the same.
    assert_eq!(api.operations.len(), 2);
    let other = &api.operations[1];
    assert_eq!((other.name.as_str(), other.path.as_str()), ("other", "/other"));
    let params: Vec<(&str, &crate::model::ParamLocation, bool)> =
        other.params.iter().map(|p| (p.name.as_str(), &p.location, p.required)).collect();
    assert_eq!(params, [("mode", &crate::model::ParamLocation::Query, true)]);
    assert!(warnings.iter().any(|w| w.contains("names `{mode}`, which no parameter declares")), "{warnings:?}");
}
