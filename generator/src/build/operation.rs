//! Operations: parameters, request bodies and responses.

use super::schema::SchemaRef;
use super::{resolve, Builder};
use crate::error::Error;
use crate::model::{
    Body, BodyKind, HttpMethod, Operation, Param, ParamLocation, QueryStyle, Response, ResponseBody, Segment, Skipped,
    StatusMatch, Ty, UntypedReason,
};
use crate::naming::{type_name, value_name, Names};
use crate::plan::{BUILDER_NAMES, CLIENT_METHODS, CLIENT_TYPES};
use crate::pointer;
use crate::template::{self, Piece};
use indexmap::IndexMap;
use openapiv3::{MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};

impl<'a> Builder<'a> {
    /// The operations generated, and those declared but skipped (each also a warning).
    pub(super) fn operations(&mut self) -> Result<(Vec<Operation>, Vec<Skipped>), crate::Error> {
        let mut method_names = Names::with_reserved(CLIENT_METHODS);
        let mut builder_names = Names::with_reserved(CLIENT_TYPES);
        let (mut out, mut skipped) = (Vec::new(), Vec::new());
        for (path, item) in &self.doc.paths.paths {
            let at_path = pointer::child("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    let reason = format!("path item $ref `{reference}` is not supported");
                    self.warn(&at_path, format!("{reason}; its operations are skipped"));
                    skipped.push(Skipped { operation: format!("{path} (every method)"), location: at_path, reason });
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let at = format!("{at_path}/{method}");
                // Names and types are claimed in scratch state and kept only if the operation is.
                let checkpoint = self.checkpoint();
                let marks = (method_names.mark(), builder_names.mark());
                match self.operation(path, method, item, op, &at, &mut method_names, &mut builder_names) {
                    Ok(o) => out.push(o),
                    Err(e) if e.unsupported => {
                        self.restore(checkpoint);
                        method_names.rollback(marks.0);
                        builder_names.rollback(marks.1);
                        let operation = format!("{} {path}", method.to_uppercase());
                        self.warn(&e.location, format!("{}; operation {operation} is skipped", e.message));
                        skipped.push(Skipped { operation, location: e.location, reason: e.message });
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok((out, skipped))
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        at: &str,
        method_names: &mut Names,
        builder_names: &mut Names,
    ) -> Result<Operation, Error> {
        let http = http_method(method).ok_or_else(|| self.unsupported(at, format!("method `{method}`")))?;
        let declared = self.declared_params(item, op, at)?;
        let path = self.path_without_query(path, &declared, at);
        // A broken template is a malformed document, not an unsupported construct.
        let pieces = template::parse(path).map_err(|m| self.err(at, format!("bad path template `{path}`: {m}")))?;
        let pieces = self.adopt_colon_segments(pieces, &declared, at);
        let id = match &op.operation_id {
            Some(id) => id.clone(),
            None => derived_name(method, &pieces),
        };
        let name = method_names.claim(&value_name(&id));
        let type_stem = builder_names.claim(&type_name(name.trim_start_matches("r#")));
        let params = self.params(declared, &type_stem, &pieces, at)?;
        let segments = pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => Segment::Lit(l.clone()),
                Piece::Var(v) => Segment::Param(
                    params.iter().position(|x| x.location == ParamLocation::Path && &x.name == v).unwrap_or_default(),
                ),
            })
            .collect();
        let body = match &op.request_body {
            Some(rb) => self.request_body(rb, &type_stem, &format!("{at}/requestBody"))?,
            None => None,
        };
        let responses = self.responses(op, &type_stem, &format!("{at}/responses"))?;
        if !op.callbacks.is_empty() {
            // Requests the server makes to the caller: nothing a client sends.
            self.warn(&format!("{at}/callbacks"), "callbacks (requests the server makes) are not generated");
        }
        let mut success_bodies: Vec<&Option<ResponseBody>> =
            responses.iter().filter(|r| r.success).map(|r| &r.body).collect();
        success_bodies.dedup();
        let success_enum = (success_bodies.len() > 1).then(|| self.type_names.claim(&format!("{type_stem}Success")));
        let error_enum = self.type_names.claim(&format!("{type_stem}Error"));
        let security = op.security.as_ref().or(self.doc.security.as_ref());
        let authenticated = security.is_some_and(|reqs| !reqs.is_empty() && reqs.iter().all(|r| !r.is_empty()));
        let mut scopes: Vec<String> =
            security.into_iter().flatten().flat_map(|r| r.values().flatten().cloned()).collect();
        scopes.sort();
        scopes.dedup();
        Ok(Operation {
            id,
            name,
            type_stem,
            method: http,
            path: path.to_string(),
            segments,
            summary: op.summary.clone(),
            doc: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            authenticated,
            success_enum,
            error_enum,
            scopes,
        })
    }

    /// Path-level parameters merged with the operation's: the operation's win for the same name
    /// and location. Each with its JSON pointer.
    fn declared_params(
        &self,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        at: &str,
    ) -> Result<Vec<(&'a Parameter, String)>, Error> {
        let mut merged: IndexMap<(String, u8), (&'a Parameter, String)> = IndexMap::new();
        for (list, base) in
            [(&item.parameters, format!("{}/parameters", parent(at))), (&op.parameters, format!("{at}/parameters"))]
        {
            for (i, p) in list.iter().enumerate() {
                let at = format!("{base}/{i}");
                let (p, ptr) = resolve::located(self.doc, p, &at).map_err(|e| self.ref_error(&at, e))?;
                merged.insert((p.parameter_data_ref().name.clone(), loc_rank(p)), (p, ptr));
            }
        }
        Ok(merged.into_values().collect())
    }

    /// A query string written into the path key (`/search?query={query}`) whose variables are all
    /// declared query parameters is left out of the template: the client sends those parameters.
    fn path_without_query<'p>(&mut self, path: &'p str, declared: &[(&Parameter, String)], at: &str) -> &'p str {
        let Some((before, query)) = path.split_once('?') else { return path };
        let is_query = |v: &str| {
            declared.iter().any(|(p, _)| matches!(p, Parameter::Query { .. }) && p.parameter_data_ref().name == v)
        };
        let variables = query.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(v, _)| v));
        if !variables.into_iter().all(is_query) {
            return path;
        }
        self.warn(at, format!("the query string `?{query}` in the path is left out: its values are query parameters"));
        before
    }

    /// Express-style `:name` segments of declared path parameters become template variables.
    fn adopt_colon_segments(&mut self, pieces: Vec<Piece>, declared: &[(&Parameter, String)], at: &str) -> Vec<Piece> {
        let path_params: Vec<&str> = declared
            .iter()
            .filter(|(p, _)| matches!(p, Parameter::Path { .. }))
            .map(|(p, _)| p.parameter_data_ref().name.as_str())
            .collect();
        let (pieces, adopted) = template::adopt_colon_segments(pieces, &path_params);
        for name in adopted {
            self.warn(at, format!("path segment `:{name}` is read as the path parameter `{name}` (Express style)"));
        }
        pieces
    }

    fn params(
        &mut self,
        declared: Vec<(&'a Parameter, String)>,
        stem: &str,
        pieces: &[Piece],
        at: &str,
    ) -> Result<Vec<Param>, Error> {
        let mut names = Names::with_reserved(BUILDER_NAMES);
        let mut out = Vec::new();
        for (p, ptr) in declared {
            let d = p.parameter_data_ref();
            let (location, style) = match p {
                Parameter::Path { .. } => (ParamLocation::Path, QueryStyle::FormExplode),
                Parameter::Header { .. } => (ParamLocation::Header, QueryStyle::FormExplode),
                Parameter::Cookie { .. } => {
                    if d.required {
                        return Err(
                            self.unsupported(&ptr, format!("required cookie parameter `{}` is not supported", d.name))
                        );
                    }
                    self.warn(&ptr, format!("cookie parameter `{}` is not supported and is left out", d.name));
                    continue;
                }
                Parameter::Query { style, .. } => (
                    ParamLocation::Query,
                    // `explode` defaults to true for `form` only; exploded delimited styles repeat
                    // the parameter as `form` does.
                    match (style, d.explode) {
                        (openapiv3::QueryStyle::DeepObject, _) => QueryStyle::DeepObject,
                        (openapiv3::QueryStyle::SpaceDelimited, None | Some(false)) => QueryStyle::SpaceDelimited,
                        (openapiv3::QueryStyle::PipeDelimited, None | Some(false)) => QueryStyle::PipeDelimited,
                        (openapiv3::QueryStyle::Form, Some(false)) => QueryStyle::FormComma,
                        _ => QueryStyle::FormExplode,
                    },
                ),
            };
            if location == ParamLocation::Path && !pieces.contains(&Piece::Var(d.name.clone())) {
                self.warn(
                    &ptr,
                    format!("path parameter `{}` does not appear in the path template and is left out", d.name),
                );
                continue;
            }
            let schema: Option<SchemaRef<'a>> = match &d.format {
                ParameterSchemaOrContent::Schema(s) => Some(s.into()),
                ParameterSchemaOrContent::Content(c) => {
                    c.values().next().and_then(|m| m.schema.as_ref()).map(Into::into)
                }
            };
            let hint = format!("{stem}{}", type_name(&d.name));
            let (ty, rules) = match schema {
                Some(s) => {
                    let u = self.usage(s, &hint, &format!("{ptr}/schema"))?;
                    (u.ty, u.rules)
                }
                None => (Ty::String, Default::default()),
            };
            let idempotency_key =
                location == ParamLocation::Header && d.name.eq_ignore_ascii_case("idempotency-key") && ty == Ty::String;
            out.push(Param {
                rust_name: names.claim(&value_name(&d.name)),
                name: d.name.clone(),
                location,
                ty,
                // Path parameters are always required, whatever the document says.
                required: (d.required || location == ParamLocation::Path) && !idempotency_key,
                doc: d.description.clone(),
                rules,
                style,
                idempotency_key,
            });
        }
        for piece in pieces {
            if let Piece::Var(v) = piece {
                if !out.iter().any(|p| p.location == ParamLocation::Path && &p.name == v) {
                    return Err(self.unsupported(at, format!("path template variable `{{{v}}}` has no path parameter")));
                }
            }
        }
        // Path parameters first, in template order; then the rest as declared.
        let order = |p: &Param| match p.location {
            ParamLocation::Path => pieces.iter().position(|x| *x == Piece::Var(p.name.clone())).unwrap_or(0),
            _ => usize::MAX,
        };
        out.sort_by_key(order);
        Ok(out)
    }

    fn request_body(
        &mut self,
        rb: &'a ReferenceOr<openapiv3::RequestBody>,
        stem: &str,
        at: &str,
    ) -> Result<Option<Body>, Error> {
        let (rb, at) = resolve::located(self.doc, rb, at).map_err(|e| self.ref_error(at, e))?;
        let Some((ct, media, kind)) = pick_content(&rb.content) else {
            self.warn(&at, "request body has no `content` (no media type): the operation is generated without a body");
            return Ok(None);
        };
        let at = format!("{}/schema", pointer::child(&format!("{at}/content"), ct));
        let ty = self.body_ty(media, kind, &format!("{stem}Body"), &at)?;
        Ok(Some(Body { ty, kind, content_type: ct.to_string(), required: rb.required }))
    }

    fn body_ty(&mut self, media: &'a MediaType, kind: BodyKind, hint: &str, at: &str) -> Result<Ty, Error> {
        Ok(match kind {
            BodyKind::Binary => Ty::Bytes,
            BodyKind::Text => Ty::String,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => match &media.schema {
                Some(s) => {
                    let u = self.usage(s.into(), hint, at)?;
                    if u.nullable {
                        Ty::Nullable(Box::new(u.ty))
                    } else {
                        u.ty
                    }
                }
                None => self.untyped(at, UntypedReason::NoSchema),
            },
        })
    }

    fn responses(&mut self, op: &'a openapiv3::Operation, stem: &str, at: &str) -> Result<Vec<Response>, Error> {
        let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let (m, key) = match code {
                    StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
                    StatusCode::Range(r) => (StatusMatch::Range(*r as u8), format!("{r}XX")),
                };
                (m, r, format!("{at}/{key}"))
            })
            .collect();
        if let Some(d) = &op.responses.default {
            entries.push((StatusMatch::Default, d, format!("{at}/default")));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let statuses: Vec<StatusMatch> = entries.iter().map(|e| e.0.clone()).collect();
        // The first success's inline body is `<Op>Response`, every other one `<Op><Status>Response`:
        // a newly documented failure status never renames a type users already have.
        let first_success = statuses.iter().position(|s| is_success(s, &statuses));
        let mut variants = Names::default();
        let mut out = Vec::new();
        for (i, (status, r, ptr)) in entries.into_iter().enumerate() {
            let (r, ptr) = resolve::located(self.doc, r, &ptr).map_err(|e| self.ref_error(&ptr, e))?;
            let variant = variants.claim(&status_variant(&status));
            let body = match pick_content(&r.content) {
                Some((ct, media, kind)) => {
                    let hint = if Some(i) == first_success {
                        format!("{stem}Response")
                    } else {
                        format!("{stem}{variant}Response")
                    };
                    let at = format!("{}/schema", pointer::child(&format!("{ptr}/content"), ct));
                    Some(ResponseBody { ty: self.body_ty(media, kind, &hint, &at)?, kind })
                }
                None => None,
            };
            let success = is_success(&status, &statuses);
            out.push(Response {
                status,
                variant,
                body,
                doc: Some(r.description.clone()).filter(|d| !d.is_empty()),
                success,
            });
        }
        Ok(out)
    }
}

/// 1xx–3xx are successes; `default` is a success only when nothing else is.
fn is_success(status: &StatusMatch, all: &[StatusMatch]) -> bool {
    let below_400 = |s: &StatusMatch| match s {
        StatusMatch::Code(c) => *c < 400,
        StatusMatch::Range(r) => *r < 4,
        StatusMatch::Default => false,
    };
    match status {
        StatusMatch::Default => !all.iter().any(below_400),
        s => below_400(s),
    }
}

fn parent(at: &str) -> &str {
    at.rsplit_once('/').map(|(p, _)| p).unwrap_or(at)
}

fn loc_rank(p: &Parameter) -> u8 {
    match p {
        Parameter::Path { .. } => 0,
        Parameter::Query { .. } => 1,
        Parameter::Header { .. } => 2,
        Parameter::Cookie { .. } => 3,
    }
}

/// `GET /users/{id}/posts` → `get_users_by_id_posts`, for operations without an operationId.
fn derived_name(method: &str, pieces: &[Piece]) -> String {
    let mut parts = vec![method.to_string()];
    for p in pieces {
        match p {
            Piece::Lit(l) => parts.push(l.clone()),
            Piece::Var(v) => parts.push(format!(" by {v} ")),
        }
    }
    value_name(&parts.join(" "))
}

/// Picks the one content type the client speaks for a body: JSON first, then forms, text, bytes.
fn pick_content(content: &IndexMap<String, MediaType>) -> Option<(&str, &MediaType, BodyKind)> {
    let kind_of = |ct: &str, m: &MediaType| {
        let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let binary_schema = matches!(&m.schema, Some(ReferenceOr::Item(s)) if matches!(&s.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::String(st)) if matches!(st.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))));
        if essence == "application/json" || essence.ends_with("+json") || (essence == "*/*" && !binary_schema) {
            (0, BodyKind::Json)
        } else if essence == "application/x-www-form-urlencoded" {
            (1, BodyKind::Form)
        } else if essence == "multipart/form-data" {
            (2, BodyKind::Multipart)
        } else if essence.starts_with("text/") && !binary_schema {
            (3, BodyKind::Text)
        } else {
            (4, BodyKind::Binary)
        }
    };
    content
        .iter()
        .map(|(ct, m)| (kind_of(ct, m), ct.as_str(), m))
        .min_by_key(|(k, _, _)| k.0)
        .map(|((_, kind), ct, m)| (ct, m, kind))
}

/// Variant name for a status: the HTTP reason phrase where there is one.
fn status_variant(s: &StatusMatch) -> String {
    match s {
        StatusMatch::Default => "Default".into(),
        StatusMatch::Range(1) => "Informational".into(),
        StatusMatch::Range(2) => "Success".into(),
        StatusMatch::Range(3) => "Redirection".into(),
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Code(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritative",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            511 => "NetworkAuthenticationRequired",
            _ => return format!("Status{c}"),
        }
        .into(),
    }
}

/// The method of a path item's key (`get`, `post`, …).
fn http_method(key: &str) -> Option<HttpMethod> {
    Some(match key.to_ascii_lowercase().as_str() {
        "get" => HttpMethod::Get,
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::model::{ParamLocation, Segment};
    use std::path::Path;

    /// An Express-style `:botId` segment of a declared path parameter is that parameter: the
    /// method takes it and the path is built from it, with a warning that says so.
    #[test]
    fn express_colon_segments_become_path_parameters() {
        let yaml = r#"
openapi: 3.0.3
info: {title: Bots, version: "1"}
paths:
  /bots/find/:botId/{instance}:
    get:
      operationId: findBot
      parameters:
        - {name: botId, in: path, required: true, schema: {type: string}}
        - {name: instance, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
"#;
        let path = Path::new("bots.yaml");
        let loaded = crate::load::load_str(path, yaml).unwrap();
        let (api, warnings) = crate::build_model(path, &loaded).unwrap();
        let op = &api.operations[0];
        let names: Vec<(&str, &str, ParamLocation)> =
            op.params.iter().map(|p| (p.name.as_str(), p.rust_name.as_str(), p.location)).collect();
        assert_eq!(names, [("botId", "bot_id", ParamLocation::Path), ("instance", "instance", ParamLocation::Path)]);
        let lit = |s: &str| Segment::Lit(s.to_string());
        assert_eq!(op.segments, [lit("/bots/find/"), Segment::Param(0), lit("/"), Segment::Param(1)]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("`:botId` is read as the path parameter `botId`"), "{warnings:?}");
        assert_eq!(warnings[0].location, "#/paths/~1bots~1find~1:botId~1{instance}/get");
        assert_eq!(op.template(), "/bots/find/{botId}/{instance}", "what the client fills");
        let module = crate::module_from(path, "bots.yaml", &loaded, crate::RuntimeSource::Crate).unwrap();
        let client = &module.files[Path::new("bots/client.rs")];
        assert!(client.contains("pub fn find_bot<'a>(&'a self, bot_id: &'a str, instance: i64)"), "{client}");
        let code = client.split_whitespace().collect::<String>();
        assert!(code.contains(r#"Get"/bots/find/{botId}/{instance}""#), "{client}");
        assert!(code.contains("start::<Self>(&[&self.bot_id,&self.instance])"), "{client}");
    }

    /// A type made from an inline schema inside a shared component (response, request body,
    /// parameter) names the component as its origin, where the schema is, not the operation that
    /// refers to it: examples beside that schema are found by this pointer.
    #[test]
    fn inline_types_in_shared_components_name_the_component_as_origin() {
        let yaml = r##"
openapi: 3.0.3
info: {title: Shared, version: "1"}
paths:
  /a:
    post:
      operationId: postA
      parameters: [{$ref: "#/components/parameters/Mode"}]
      requestBody: {$ref: "#/components/requestBodies/Body"}
      responses:
        "200": {$ref: "#/components/responses/Ok"}
components:
  parameters:
    Mode: {name: mode, in: query, schema: {type: string, enum: [a, b]}}
  requestBodies:
    Body:
      content:
        application/json:
          schema: {type: object, properties: {n: {type: integer}}}
  responses:
    Ok:
      description: ok
      content:
        application/json:
          schema: {type: object, properties: {id: {type: string}}}
"##;
        let path = Path::new("shared.yaml");
        let loaded = crate::load::load_str(path, yaml).unwrap();
        let (api, _) = crate::build_model(path, &loaded).unwrap();
        let mut origins: Vec<&str> = api.types.values().map(|t| t.origin.as_str()).collect();
        origins.sort();
        assert_eq!(
            origins,
            [
                "#/components/parameters/Mode/schema",
                "#/components/requestBodies/Body/content/application~1json/schema",
                "#/components/responses/Ok/content/application~1json/schema",
            ]
        );
    }

    /// Callbacks are requests the server makes: not generated, and said so.
    #[test]
    fn callbacks_are_named_not_dropped() {
        let yaml = r##"
openapi: 3.0.3
info: {title: Hooks, version: "1"}
paths:
  /subscribe:
    post:
      operationId: subscribe
      responses:
        "201": {description: subscribed}
      callbacks:
        event:
          "{$request.query.url}":
            post:
              responses:
                "200": {description: received}
"##;
        let path = Path::new("hooks.yaml");
        let loaded = crate::load::load_str(path, yaml).unwrap();
        let (api, warnings) = crate::build_model(path, &loaded).unwrap();
        assert_eq!(api.operations.len(), 1);
        let w: Vec<(&str, &str)> = warnings.iter().map(|w| (w.location.as_str(), w.message.as_str())).collect();
        assert_eq!(
            w,
            [("#/paths/~1subscribe/post/callbacks", "callbacks (requests the server makes) are not generated")]
        );
    }
}
