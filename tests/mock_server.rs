//! The generated clients against Prism (`@stoplight/prism-cli`), a mock server driven only by the
//! OpenAPI documents in `spec/`: one test per spec, each with its own Prism process on a free port.
//!
//! Prism is started as `prism mock -h 127.0.0.1 -p <port> --errors spec/<stem>.yaml`. Request
//! validation is always on in mock mode: a request that breaks the spec gets the operation's own
//! documented 422 (else 400) response with the broken rules listed in an `sl-violations` header
//! (or a 422 `application/problem+json` when no such response is documented). `--errors` adds
//! response validation: a mocked response that breaks its own schema becomes a 500 problem+json,
//! so every mocked response the client parses here has also passed Prism's schema check.
//!
//! For each spec the test asserts:
//! 1. coverage: the operations wired below are exactly the spec's operationIds;
//! 2. every operation, called through the generated client with each of the spec's request
//!    examples, succeeds with a documented 2xx, and the parsed body equals the spec's response
//!    example (Prism's static mode answers with it);
//! 3. every documented status of every operation (chosen with `Prefer: code=N`), static and with
//!    seeded dynamic bodies (`Prefer: dynamic=true, seed=…`, generated from the schemas by
//!    json-schema-faker), is typed by the client as documented: 2xx parse into the success type,
//!    other statuses become `Error::Api` with the variant for that status;
//! 4. requests that break the spec, sent raw with reqwest (bypassing the client's checks), are
//!    rejected with the documented 4xx, an `sl-violations` header naming the broken rule and a
//!    body that parses as the provider's error envelope; the same example unbroken is accepted;
//!    and the generated client refuses to send each of them (or cannot even represent it);
//! 5. a call without credentials is answered 401, typed as documented (or as an undocumented
//!    status where the spec declares no 401);
//! 6. Prism serves paths without the server URL's path (WA.cr `{basePath}` = `/api/v2`, Kirim
//!    `/v1`), so the mock's base URL is the bare `http://127.0.0.1:<port>`; a base URL with the
//!    prefix gets Prism's 404 `NO_PATH_MATCHED`.
//!
//! Prism is `PRISM_BIN`, else the version `.ci/contract-tools.sh` pins, in the tools cache
//! (`TOOLS_DIR`, default `~/.cache/contract-tools`), where the script installs it on first use.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};
use whatsapp_contacts::runtime::{Config, Error, RequestError, Response, RetryPolicy};
use whatsapp_contacts::{kirim, wacr, whats91};

const INSTALL_HINT: &str = "bash .ci/contract-tools.sh --install-only";
/// Generous: Prism (node) took about 40 s to start listening on a busy 2-core machine (load 17).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
const TOKEN: &str = "token";
/// Seeded dynamic responses per documented status and operation (`MOCK_DYNAMIC_ROUNDS` overrides).
const DYNAMIC_ROUNDS: usize = 8;

// =============================================================================================
// The three specs

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whats91_against_prism() {
    check_provider(&Provider {
        stem: "whats91",
        operations: &["createContactBook", "bulkUploadContacts"],
        call: call_whats91,
        error_code: |body| {
            serde_json::from_slice::<whats91::types::ErrorResponse>(body).map(|e| {
                let nested = match e.error {
                    Some(whats91::types::ErrorDetailOrText::ErrorDetail(d)) => d.code,
                    _ => None,
                };
                nested.or(e.code).map(|c| c.as_str().to_string()).unwrap_or_default()
            })
        },
        invalid: vec![
            Invalid {
                what: "contact book without `name`",
                op: "createContactBook",
                edit: |b| remove(b, "name"),
                content_type: JSON,
                status: 400,
                violation: "must have required property 'name'",
                code: "VALIDATION_FAILED",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "bulk row without `phone`",
                op: "bulkUploadContacts",
                edit: |b| remove(&mut b["contacts"][0], "phone"),
                content_type: JSON,
                status: 400,
                violation: "must have required property 'phone'",
                code: "VALIDATION_FAILED",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "bulk upload of 1001 contacts",
                op: "bulkUploadContacts",
                edit: |b| b["contacts"] = Value::Array(vec![b["contacts"][0].clone(); 1001]),
                content_type: JSON,
                status: 400,
                violation: "must NOT have more than 1000 items",
                code: "VALIDATION_FAILED",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "contact book sent as text/plain",
                op: "createContactBook",
                edit: |_| {},
                content_type: "text/plain",
                status: 415,
                violation: "Supported content types: application/json",
                code: "UNSUPPORTED_CONTENT_TYPE",
                client: ClientSide::CannotSend,
            },
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wacr_against_prism() {
    check_provider(&Provider {
        stem: "wacr",
        operations: &["createContact"],
        call: call_wacr,
        error_code: |body| {
            serde_json::from_slice::<wacr::types::ValidationErrorResponse>(body).map(|e| {
                let nested = match e.error {
                    Some(wacr::types::ValidationErrorDetailOrText::ValidationErrorDetail(d)) => d.code,
                    _ => None,
                };
                nested.or(e.code).map(|c| c.as_str().to_string()).unwrap_or_default()
            })
        },
        invalid: vec![
            Invalid {
                what: "contact of type `vip`",
                op: "createContact",
                edit: |b| b["type"] = json!("vip"),
                content_type: JSON,
                status: 422,
                violation: "must be equal to one of the allowed values: lead, customer, guest",
                code: "VALIDATION_ERROR",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "contact without `firstname`",
                op: "createContact",
                edit: |b| remove(b, "firstname"),
                content_type: JSON,
                status: 422,
                violation: "must have required property 'firstname'",
                code: "VALIDATION_ERROR",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "phone longer than 20 characters",
                op: "createContact",
                edit: |b| b["phone"] = json!("+9195874223631234567890"),
                content_type: JSON,
                status: 422,
                violation: "must NOT have more than 20 characters",
                code: "VALIDATION_ERROR",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "group given by name",
                op: "createContact",
                edit: |b| b["groups"] = json!(["Newsletter"]),
                content_type: JSON,
                status: 422,
                violation: "must be integer",
                code: "VALIDATION_ERROR",
                client: ClientSide::Refuses,
            },
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kirim_against_prism() {
    check_provider(&Provider {
        stem: "kirim",
        operations: &["createContact"],
        call: call_kirim,
        error_code: |body| serde_json::from_slice::<kirim::types::ErrorResponse>(body).map(|e| e.error.code),
        invalid: vec![
            // Prism answers an invalid request with the documented 422 before 400, so Kirim's
            // "semantic failure" (422) response comes back here, not its "validation failure" (400).
            Invalid {
                what: "contact without `phone_number`",
                op: "createContact",
                edit: |b| remove(b, "phone_number"),
                content_type: JSON,
                status: 422,
                violation: "must have required property 'phone_number'",
                code: "invalid_phone_number",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "email that is not an address",
                op: "createContact",
                edit: |b| b["email"] = json!("not-an-email"),
                content_type: JSON,
                status: 422,
                violation: "must match format \"email\"",
                code: "invalid_phone_number",
                client: ClientSide::Refuses,
            },
            Invalid {
                what: "metadata that is not an object",
                op: "createContact",
                edit: |b| b["metadata"] = json!("vip"),
                content_type: JSON,
                status: 422,
                violation: "must be object",
                code: "invalid_phone_number",
                client: ClientSide::Refuses,
            },
        ],
    })
    .await;
}

// =============================================================================================
// Calling the generated clients

/// How to build the client for one call.
#[derive(Clone)]
enum Target {
    /// `Client::with_base_url(base, "token")`: the plain constructor, default configuration.
    Plain(String),
    /// `Client::from_config(config)`: no retries, maybe a `Prefer` header or no credentials.
    Config(Config),
}

impl Target {
    fn build<C, E: Debug>(
        self,
        plain: impl FnOnce(String) -> Result<C, E>,
        config: impl FnOnce(Config) -> Result<C, E>,
    ) -> C {
        match self {
            Target::Plain(base) => plain(base),
            Target::Config(c) => config(c),
        }
        .expect("client configuration")
    }
}

/// One operation call: the operation, its parameters (from the spec's examples) and body.
#[derive(Clone, Debug)]
struct Call {
    op: String,
    params: BTreeMap<String, String>,
    body: Value,
}

impl Call {
    fn param(&self, name: &str) -> &str {
        self.params.get(name).unwrap_or_else(|| panic!("{}: the spec gives no example for parameter `{name}`", self.op))
    }
}

/// What a call through the generated client came to (the fields are read through `Debug` in
/// failure messages).
#[derive(Debug)]
#[allow(dead_code)]
enum Outcome {
    /// A documented success: its status and the parsed body serialized back to JSON.
    Ok {
        status: u16,
        body: Value,
    },
    /// A documented failure: status and the name of the typed variant (`BadRequest`).
    Api {
        status: u16,
        variant: String,
    },
    Unexpected {
        status: u16,
        body: String,
    },
    Decode {
        status: u16,
        message: String,
        body: String,
    },
    /// Not sent: the client's own validation refused the request.
    Refused(RequestError),
    /// Not sent: the JSON does not even fit the generated request type.
    Unrepresentable(String),
    Other(String),
    /// No method of this client is wired to the operation.
    NotWired(String),
}

type BoxFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

fn outcome<T: Serialize, E: Debug>(result: Result<Response<T>, Error<E>>) -> Outcome {
    match result {
        Ok(r) => {
            Outcome::Ok { status: r.status, body: serde_json::to_value(&r.body).expect("a parsed body serializes") }
        }
        Err(Error::Api(e)) => {
            let debug = format!("{:?}", e.body);
            Outcome::Api { status: e.status, variant: debug.split(['(', ' ']).next().unwrap_or_default().to_string() }
        }
        Err(Error::Status(e)) => {
            Outcome::Unexpected { status: e.status, body: String::from_utf8_lossy(&e.body).into() }
        }
        Err(Error::Decode(e)) => Outcome::Decode {
            status: e.status,
            message: e.message.clone(),
            body: String::from_utf8_lossy(&e.body).into(),
        },
        Err(Error::InvalidRequest(e)) => Outcome::Refused(e),
        Err(other) => Outcome::Other(other.to_string()),
    }
}

/// The spec's JSON as the generated request type.
fn typed<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T, Outcome> {
    serde_json::from_value(body.clone()).map_err(|e| Outcome::Unrepresentable(e.to_string()))
}

fn call_whats91(target: Target, call: Call) -> BoxFuture {
    use whats91::{types, Client};
    Box::pin(async move {
        let client = target.build(|base| Client::with_base_url(base, TOKEN), Client::from_config);
        match call.op.as_str() {
            "createContactBook" => match typed::<types::CreateContactBookRequest>(&call.body) {
                Ok(body) => outcome(client.create_contact_book(&body).await),
                Err(o) => o,
            },
            "bulkUploadContacts" => match typed::<types::BulkUploadContactsRequest>(&call.body) {
                Ok(body) => outcome(client.bulk_upload_contacts(call.param("bookUid"), &body).await),
                Err(o) => o,
            },
            other => Outcome::NotWired(other.to_string()),
        }
    })
}

fn call_wacr(target: Target, call: Call) -> BoxFuture {
    use wacr::{types, Client};
    Box::pin(async move {
        let client = target.build(|base| Client::with_base_url(base, TOKEN), Client::from_config);
        match call.op.as_str() {
            "createContact" => match typed::<types::CreateContactRequest>(&call.body) {
                Ok(body) => outcome(client.create_contact(&body).await),
                Err(o) => o,
            },
            other => Outcome::NotWired(other.to_string()),
        }
    })
}

fn call_kirim(target: Target, call: Call) -> BoxFuture {
    use kirim::{types, Client};
    Box::pin(async move {
        let client = target.build(|base| Client::with_base_url(base, TOKEN), Client::from_config);
        match call.op.as_str() {
            "createContact" => match typed::<types::CreateContactRequest>(&call.body) {
                Ok(body) => {
                    let mut request = client.create_contact(call.param("phone_number_id"), &body);
                    if let Some(key) = call.params.get("Idempotency-Key") {
                        request = request.idempotency_key(key);
                    }
                    outcome(request.await)
                }
                Err(o) => o,
            },
            other => Outcome::NotWired(other.to_string()),
        }
    })
}

// =============================================================================================
// The checks

const JSON: &str = "application/json";

struct Provider {
    stem: &'static str,
    /// The operationIds wired in `call`; must equal the spec's.
    operations: &'static [&'static str],
    call: fn(Target, Call) -> BoxFuture,
    /// Parses a validation-error body as the provider's documented error type; its error code.
    error_code: fn(&[u8]) -> Result<String, serde_json::Error>,
    invalid: Vec<Invalid>,
}

/// A request that breaks the spec: an edit of the operation's first request example.
struct Invalid {
    what: &'static str,
    op: &'static str,
    edit: fn(&mut Value),
    content_type: &'static str,
    /// The documented status Prism must answer with.
    status: u16,
    /// Part of the message Prism must report in `sl-violations`.
    violation: &'static str,
    /// The error code in the (documented, example-derived) error body.
    code: &'static str,
    client: ClientSide,
}

/// What the generated client does with the same broken request.
enum ClientSide {
    /// Refuses before sending: the typed request cannot hold it, or client-side validation fails.
    Refuses,
    /// Not expressible through the client at all (e.g. another content type).
    CannotSend,
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().expect("an object").remove(key).unwrap_or_else(|| panic!("the example has no `{key}` to remove"));
}

async fn check_provider(p: &Provider) {
    let started = Instant::now();
    let spec = contract_tests::workspace().join("spec").join(format!("{}.yaml", p.stem));
    let doc = oas_client_gen::Document::load(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let raw = doc.value();
    let ops = operations(raw, &doc.operations());

    // 1. Coverage: every operation of the spec is wired, and nothing else.
    let in_spec: BTreeSet<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    let wired: BTreeSet<&str> = p.operations.iter().copied().collect();
    assert_eq!(
        in_spec, wired,
        "{}: the operations of the spec (left) and those wired in tests/mock_server.rs (right) differ",
        p.stem
    );

    let server = MockServer::start(&spec).await;
    let base = server.base_url();
    let rounds = std::env::var("MOCK_DYNAMIC_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(DYNAMIC_ROUNDS);
    let mut requests = 0usize;

    for op in &ops {
        let what = format!("{} {} {}", p.stem, op.id, op.path);
        assert!(!op.request_examples.is_empty(), "{what}: the spec has no request example to call it with");
        let success: Vec<u16> = op.responses.keys().copied().filter(|s| (200..300).contains(s)).collect();
        assert!(!success.is_empty(), "{what}: no documented 2xx response");

        // 2. Each request example through the plain client: a documented success whose parsed
        //    body is the spec's response example.
        for (name, example) in &op.request_examples {
            let call = op.call(example.clone());
            let out = (p.call)(Target::Plain(base.clone()), call).await;
            requests += 1;
            match out {
                Outcome::Ok { status, body } => {
                    assert!(
                        success.contains(&status),
                        "{what} (request example `{name}`): status {status} is not a documented success {success:?}"
                    );
                    if let Some(Some(expected)) = op.responses.get(&status) {
                        assert_eq!(&body, expected, "{what} (request example `{name}`): the parsed response differs from the spec's example for {status}");
                    }
                }
                other => panic!(
                    "{what} (request example `{name}`): expected a documented success, got {other:?}{}",
                    server.tail()
                ),
            }
        }

        // 3. Every documented status, static and seeded dynamic, typed as documented.
        let call = op.call(op.request_examples[0].1.clone());
        for &status in op.responses.keys() {
            for round in 0..=rounds {
                let prefer = match round {
                    0 => format!("code={status}"),
                    r => format!("code={status}, dynamic=true, seed={}-{}-{status}-{r}", p.stem, op.id),
                };
                let out = (p.call)(Target::Config(config(&base, Some(&prefer), true)), call.clone()).await;
                requests += 1;
                let ok = match &out {
                    Outcome::Ok { status: s, .. } => (200..300).contains(&status) && *s == status,
                    Outcome::Api { status: s, variant } => {
                        !(200..300).contains(&status) && *s == status && Some(variant) == op.variants.get(&status)
                    }
                    _ => false,
                };
                assert!(
                    ok,
                    "{what} with `Prefer: {prefer}`: expected the documented {status}, got {out:?}{}",
                    server.tail()
                );
            }
        }

        // 5. No credentials: Prism's security check answers 401.
        let out = (p.call)(Target::Config(config(&base, None, false)), call.clone()).await;
        requests += 1;
        let ok = match &out {
            Outcome::Api { status: 401, variant } => Some(variant) == op.variants.get(&401),
            Outcome::Unexpected { status: 401, body } => {
                !op.responses.contains_key(&401) && body.contains("UNAUTHORIZED")
            }
            _ => false,
        };
        assert!(
            ok,
            "{what} without credentials: expected 401 (documented: {}), got {out:?}",
            op.responses.contains_key(&401)
        );
    }

    // 4. Requests that break the spec, raw: rejected by the mock; refused by the client.
    let http = reqwest::Client::new();
    for case in &p.invalid {
        let op = ops.iter().find(|o| o.id == case.op).unwrap_or_else(|| panic!("no operation {}", case.op));
        let what = format!("{} {} with {}", p.stem, op.id, case.what);
        let valid = op.request_examples[0].1.clone();
        let mut broken = valid.clone();
        (case.edit)(&mut broken);
        let url = format!("{base}{}", op.concrete_path());

        // Control: the unedited example, sent the same way, is accepted.
        let control = send_raw(&http, &url, JSON, &valid).await;
        requests += 1;
        assert!(
            (200..300).contains(&control.status),
            "{what}: control request (the valid example) got {} {}",
            control.status,
            control.body
        );

        let got = send_raw(&http, &url, case.content_type, &broken).await;
        requests += 1;
        assert_eq!(
            got.status, case.status,
            "{what}: expected the mock to reject it with {}, got {} {}",
            case.status, got.status, got.body
        );
        let violations: Value = serde_json::from_str(got.violations.as_deref().unwrap_or_else(|| {
            panic!("{what}: no sl-violations header, so Prism did not report a request violation; body {}", got.body)
        }))
        .expect("sl-violations is JSON");
        let reported = violations.as_array().into_iter().flatten().any(|v| {
            v["location"][0] == "request"
                && v["severity"] == "Error"
                && v["message"].as_str().is_some_and(|m| m.contains(case.violation))
        });
        assert!(reported, "{what}: sl-violations does not report `{}`: {violations}", case.violation);
        assert!(got.content_type.starts_with(JSON), "{what}: the documented error is JSON, got `{}`", got.content_type);
        let code = (p.error_code)(got.body.as_bytes()).unwrap_or_else(|e| {
            panic!("{what}: the rejection body is not the documented error envelope ({e}): {}", got.body)
        });
        assert_eq!(code, case.code, "{what}: error code in {}", got.body);

        match case.client {
            ClientSide::Refuses => {
                let out = (p.call)(Target::Plain(base.clone()), op.call(broken.clone())).await;
                assert!(
                    matches!(out, Outcome::Refused(_) | Outcome::Unrepresentable(_)),
                    "{what}: the generated client should refuse to send it, got {out:?}"
                );
            }
            ClientSide::CannotSend => {}
        }
    }

    // 6. Prism ignores the path of the spec's server URL.
    if let Some(prefix) = server_path(raw) {
        let op = &ops[0];
        let out = (p.call)(Target::Plain(format!("{base}{prefix}")), op.call(op.request_examples[0].1.clone())).await;
        requests += 1;
        assert!(
            // An undocumented 404 stays raw; a documented one (Kirim) fails to decode as the
            // provider's error envelope, because Prism's answer is its own problem+json.
            matches!(&out, Outcome::Unexpected { status: 404, body } | Outcome::Decode { status: 404, body, .. }
                if body.contains("NO_PATH_MATCHED")),
            "{}: with the server URL's path `{prefix}` in the base URL, Prism should not find {}: got {out:?}",
            p.stem,
            op.path
        );
    }

    eprintln!(
        "{}: {} operations, {requests} requests against {} (prism on port {}) in {:.1?}; prism startup {:.1?}",
        p.stem,
        ops.len(),
        spec.display(),
        server.port,
        started.elapsed(),
        server.startup
    );
}

/// A client configuration without retries, optionally with a `Prefer` header and credentials.
fn config(base: &str, prefer: Option<&str>, credentials: bool) -> Config {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(p) = prefer {
        headers.insert("prefer", p.parse().expect("a header value"));
    }
    let http = reqwest::Client::builder().default_headers(headers).build().expect("reqwest client");
    let config = Config::new(base).retry(RetryPolicy::none()).timeout(Duration::from_secs(20)).http_client(http);
    if credentials {
        config.bearer_token(TOKEN)
    } else {
        config
    }
}

struct RawReply {
    status: u16,
    content_type: String,
    violations: Option<String>,
    body: String,
}

async fn send_raw(http: &reqwest::Client, url: &str, content_type: &str, body: &Value) -> RawReply {
    let response = http
        .post(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(serde_json::to_vec(body).expect("JSON"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (content_type, violations) = (header("content-type").unwrap_or_default(), header("sl-violations"));
    RawReply {
        status: response.status().as_u16(),
        content_type,
        violations,
        body: response.text().await.unwrap_or_default(),
    }
}

// =============================================================================================
// Reading the spec

struct Operation {
    id: String,
    path: String,
    /// Path and header parameter examples, by name.
    params: BTreeMap<String, String>,
    /// `(example name, value)` of the JSON request body.
    request_examples: Vec<(String, Value)>,
    /// Every documented status, with the first JSON example of its response.
    responses: BTreeMap<u16, Option<Value>>,
    /// The generated error variant of each documented failure status.
    variants: BTreeMap<u16, String>,
}

impl Operation {
    fn call(&self, body: Value) -> Call {
        Call { op: self.id.clone(), params: self.params.clone(), body }
    }

    fn concrete_path(&self) -> String {
        let mut path = self.path.clone();
        for (name, value) in &self.params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        path
    }
}

fn resolve<'a>(raw: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => v = raw.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("unresolved $ref {r}")),
            None => return v,
        }
    }
    panic!("$ref chain too long")
}

/// The examples of one media type: `examples` (by name) or `example`.
fn media_examples(raw: &Value, media: &Value) -> Vec<(String, Value)> {
    if let Some(map) = media.get("examples").and_then(Value::as_object) {
        return map.iter().filter_map(|(k, e)| resolve(raw, e).get("value").map(|v| (k.clone(), v.clone()))).collect();
    }
    media.get("example").map(|v| vec![("example".to_string(), v.clone())]).unwrap_or_default()
}

fn operations(raw: &Value, generated: &[oas_client_gen::Operation]) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in raw["paths"].as_object().expect("paths") {
        let item = resolve(raw, item);
        for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
            let Some(op) = item.get(method) else { continue };
            let mut params = BTreeMap::new();
            let shared = item.get("parameters").and_then(Value::as_array).into_iter().flatten();
            for p in shared.chain(op.get("parameters").and_then(Value::as_array).into_iter().flatten()) {
                let p = resolve(raw, p);
                let example = p
                    .get("example")
                    .or_else(|| p.get("schema").map(|s| resolve(raw, s)).and_then(|s| s.get("example")));
                if let (Some(name), Some(example)) = (p["name"].as_str(), example) {
                    let text = example.as_str().map(str::to_string).unwrap_or_else(|| example.to_string());
                    params.insert(name.to_string(), text);
                }
            }
            let request_examples = op
                .get("requestBody")
                .map(|b| resolve(raw, b))
                .and_then(|b| b.pointer("/content/application~1json"))
                .map(|m| media_examples(raw, m))
                .unwrap_or_default();
            let mut responses = BTreeMap::new();
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                let Ok(code) = code.parse::<u16>() else { continue };
                let example = resolve(raw, response)
                    .pointer("/content/application~1json")
                    .and_then(|m| media_examples(raw, m).into_iter().next())
                    .map(|(_, v)| v);
                responses.insert(code, example);
            }
            let id = op["operationId"].as_str().expect("operationId").to_string();
            // The error-enum variant the generated client uses for each documented status.
            let variants = generated
                .iter()
                .filter(|o| o.id == id)
                .flat_map(|o| o.responses.iter().filter(|r| !r.success))
                .filter_map(|r| match r.status {
                    oas_client_gen::StatusMatch::Code(c) => Some((c, r.variant.clone())),
                    _ => None,
                })
                .collect();
            out.push(Operation { id, variants, path: path.clone(), params, request_examples, responses });
        }
    }
    out
}

/// The path of the first server URL, variables at their defaults (`/api/v2`, `/v1`); `None` if empty.
fn server_path(raw: &Value) -> Option<String> {
    let server = raw.pointer("/servers/0")?;
    let mut url = server["url"].as_str()?.to_string();
    for (name, var) in server.get("variables").and_then(Value::as_object).into_iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), var["default"].as_str().unwrap_or(""));
    }
    let path = reqwest::Url::parse(&url).ok()?.path().trim_end_matches('/').to_string();
    (!path.is_empty()).then_some(path)
}

// =============================================================================================
// The Prism process

/// A running `prism mock`; killed (and reaped) when dropped, also while a test panics.
struct MockServer {
    child: Child,
    port: u16,
    logs: PathBuf,
    startup: Duration,
}

impl MockServer {
    async fn start(spec: &Path) -> MockServer {
        let prism = prism_bin();
        let mut last_failure = String::new();
        // A port is free when chosen, but another process could take it before Prism binds it:
        // try again on a new port if Prism reports EADDRINUSE.
        for _ in 0..3 {
            match Self::try_start(&prism, spec).await {
                Ok(server) => return server,
                Err((failure, retry)) if retry => last_failure = failure,
                Err((failure, _)) => panic!("{failure}"),
            }
        }
        panic!("{last_failure}")
    }

    async fn try_start(prism: &Path, spec: &Path) -> Result<MockServer, (String, bool)> {
        let port = free_port();
        let stem = spec.file_stem().unwrap_or_default().to_string_lossy().to_string();
        let logs = std::env::temp_dir().join(format!("contract-prism-{stem}-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&logs).expect("log dir");
        let file = |name: &str| std::fs::File::create(logs.join(name)).expect("log file");
        let started = Instant::now();
        let child = Command::new(prism)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), "--errors"])
            .arg(spec)
            .current_dir(contract_tests::workspace())
            .env("NO_UPDATE_NOTIFIER", "1")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(file("stdout.log"))
            .stderr(file("stderr.log"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e}); install it with `{INSTALL_HINT}`", prism.display()));
        let mut server = MockServer { child, port, logs, startup: Duration::ZERO };
        let ready = format!("Prism is listening on http://127.0.0.1:{port}");
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let logs = server.all_logs();
                let retry = logs.contains("EADDRINUSE");
                return Err((
                    format!("prism exited ({status}) before listening on port {port} for {}:\n{logs}", spec.display()),
                    retry,
                ));
            }
            if server.stdout().contains(&ready) && tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                server.startup = started.elapsed();
                return Ok(server);
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                let logs = server.all_logs();
                return Err((
                    format!(
                        "prism did not listen on 127.0.0.1:{port} within {STARTUP_TIMEOUT:?} for {}:\n{logs}",
                        spec.display()
                    ),
                    false,
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(self.logs.join("stdout.log")).unwrap_or_default()
    }

    fn all_logs(&self) -> String {
        let stderr = std::fs::read_to_string(self.logs.join("stderr.log")).unwrap_or_default();
        format!("--- prism stderr ---\n{stderr}\n--- prism stdout ---\n{}", self.stdout())
    }

    /// The end of Prism's log, for failure messages.
    fn tail(&self) -> String {
        let out = self.stdout();
        let lines: Vec<&str> = out.lines().collect();
        format!("\n--- prism log (last lines) ---\n{}", lines[lines.len().saturating_sub(15)..].join("\n"))
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("prism logs kept in {}", self.logs.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.logs);
        }
    }
}

/// A port that nothing listens on, never the same twice in this process.
fn free_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0").local_addr().expect("addr").port();
        if HANDED_OUT.lock().unwrap_or_else(|p| p.into_inner()).insert(port) {
            return port;
        }
    }
}

/// `PRISM_BIN`, else the version `.ci/contract-tools.sh` pins, which it installs into the tools
/// cache on first use (npm registry).
fn prism_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("PRISM_BIN").filter(|v| !v.is_empty()) {
        let bin = PathBuf::from(bin);
        assert!(bin.is_file(), "PRISM_BIN={} does not exist; install Prism with `{INSTALL_HINT}`", bin.display());
        return bin;
    }
    contract_tests::installed_tool("contract-tools.sh")
}
