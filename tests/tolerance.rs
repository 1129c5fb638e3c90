//! Real servers deviate from their docs: every case of `tests/tolerance/cases.json` (the data set
//! the Python client test reads too) is served on 127.0.0.1 to the generated Rust client, which
//! must reach the case's verdict:
//!
//! - `ok`: `Ok` with the real status, and the parsed body serializes back to exactly what was
//!   served (nothing lost, unknown fields and enum values included);
//! - `api-error`: `Error::Api` with the error variant documented for that status, the body parsed
//!   losslessly, and `error_code()`/`request_id()` reading what the body carries;
//! - `status-error`: `Error::Status` with the status (and `documented` telling whether the spec
//!   lists it), never a success, a decode error or a panic.
//!
//! Either way the request goes out unchanged (the server receives the case's request body):
//! the client never refuses what the docs say the server accepts. A table of every case and
//! what the client returned is printed (`-- --nocapture`) and written to
//! `target/tolerance.md`.

use libtest_mimic::{Arguments, Failed, Trial};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use whatsapp_contacts::runtime::{Config, Error, Response, RetryPolicy};
use whatsapp_contacts::{kirim, wacr, whats91};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    id: String,
    provider: String,
    operation_id: String,
    status: u16,
    body: Option<Value>,
    raw_body: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    request: Option<Value>,
    expect: String,
    decision: String,
}

#[derive(serde::Deserialize)]
struct DataSet {
    cases: Vec<Case>,
}

/// What the client returned, reduced to what the verdicts compare.
#[derive(Debug)]
enum Outcome {
    Ok { status: u16, body: Value },
    Api { status: u16, variant: String, body: Value, code: Option<String>, request_id: Option<String> },
    Status { status: u16, documented: bool },
    Other(String),
}

impl Outcome {
    fn label(&self) -> String {
        match self {
            Outcome::Ok { status, .. } => format!("`Ok` (status {status})"),
            Outcome::Api { variant, code, request_id, .. } => format!(
                "`Error::Api` `{variant}`, code {}, request id {}",
                code.as_deref().map(|c| format!("`{c}`")).unwrap_or_else(|| "none".into()),
                request_id.as_deref().map(|c| format!("`{c}`")).unwrap_or_else(|| "none".into()),
            ),
            Outcome::Status { documented, .. } => {
                format!(
                    "`Error::Status` ({})",
                    if *documented { "documented status, other body" } else { "undocumented status" }
                )
            }
            Outcome::Other(what) => format!("other: {what}"),
        }
    }
}

/// `(variant, body as JSON)` of a documented error.
type Unpack<E> = fn(&E) -> (String, Value);

/// Unpacks an operation's error enum, variant by variant (a variant missing here is reported).
macro_rules! unpack {
    ($e:ident: $($v:ident),*) => {
        |e: &$e| match e {
            $($e::$v(b) => (stringify!($v).to_string(), serde_json::to_value(b).expect("an error body serializes")),)*
            other => (format!("unlisted variant {other:?}"), Value::Null),
        }
    };
}

fn outcome<T: Serialize, E: Debug>(result: Result<Response<T>, Error<E>>, unpack: Unpack<E>) -> Outcome {
    match result {
        Ok(r) => {
            Outcome::Ok { status: r.status, body: serde_json::to_value(&r.body).expect("a parsed body serializes") }
        }
        Err(e) => {
            let (code, request_id) = (e.error_code(), e.request_id());
            match e {
                Error::Api(api) => {
                    let (variant, body) = unpack(&api.body);
                    Outcome::Api { status: api.status, variant, body, code, request_id }
                }
                Error::Status(s) => Outcome::Status { status: s.status, documented: s.documented },
                other => Outcome::Other(format!("{other:?}")),
            }
        }
    }
}

fn typed<T: DeserializeOwned>(request: &Value) -> Result<T, Failed> {
    serde_json::from_value(request.clone())
        .map_err(|e| format!("the case's request does not fit the request type: {e}").into())
}

fn config(base: String) -> Config {
    // No retries: each case is one answer.
    Config::new(base).bearer_token("token").retry(RetryPolicy::none())
}

/// Calls the case's operation through the generated client; the path parameters are the spec's examples.
async fn call(case: &Case, base: String, request: &Value) -> Result<Outcome, Failed> {
    Ok(match (case.provider.as_str(), case.operation_id.as_str()) {
        ("whats91", "createContactBook") => {
            use whats91::types::CreateContactBookError as E;
            let client = whats91::Client::from_config(config(base))?;
            let unpack = unpack!(E: BadRequest, Unauthorized, Forbidden, UnsupportedMediaType);
            outcome(client.create_contact_book(&typed(request)?).await, unpack)
        }
        ("whats91", "bulkUploadContacts") => {
            use whats91::types::BulkUploadContactsError as E;
            let client = whats91::Client::from_config(config(base))?;
            let unpack = unpack!(E: BadRequest, Unauthorized, Forbidden, NotFound, UnsupportedMediaType);
            outcome(client.bulk_upload_contacts("grp_abc", &typed(request)?).await, unpack)
        }
        ("wacr", "createContact") => {
            use wacr::types::CreateContactError as E;
            let client = wacr::Client::from_config(config(base))?;
            let unpack = unpack!(E: Forbidden, UnprocessableEntity, InternalServerError);
            outcome(client.create_contact(&typed(request)?).await, unpack)
        }
        ("kirim", "createContact") => {
            use kirim::types::CreateContactError as E;
            let client = kirim::Client::from_config(config(base))?;
            let unpack = unpack!(
                E: BadRequest,
                Unauthorized,
                NotFound,
                UnprocessableEntity,
                TooManyRequests,
                InternalServerError,
                ClientError,
                ServerError
            );
            let request = typed(request)?;
            outcome(client.create_contact("106540352242922", &request).idempotency_key("tolerance-1").await, unpack)
        }
        (p, op) => return Err(format!("no client call wired for {p} {op}").into()),
    })
}

/// The spec's facts a verdict needs: the first request example, and the error variant and
/// documentation of each status (`4XX`-style ranges under their first digit).
struct Spec {
    request: Value,
    variants: BTreeMap<u16, String>,
    range_variants: BTreeMap<u16, String>,
    documented: Vec<u16>,
    ranges: Vec<u16>,
}

impl Spec {
    /// The error variant the client should pick for `status`: its own code's, else its range's.
    fn variant(&self, status: u16) -> Option<&String> {
        self.variants.get(&status).or_else(|| self.range_variants.get(&(status / 100)))
    }

    fn documents(&self, status: u16) -> bool {
        self.documented.contains(&status) || self.ranges.contains(&(status / 100))
    }
}

fn spec_facts(provider: &str, operation: &str) -> Spec {
    let path = contract_tests::workspace().join("spec").join(format!("{provider}.yaml"));
    let doc = oas_client_gen::Document::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let operations = doc.operations();
    let op = operations.iter().find(|o| o.id == operation).unwrap_or_else(|| panic!("{provider}: no {operation}"));
    let (mut variants, mut range_variants) = (BTreeMap::new(), BTreeMap::new());
    let (mut documented, mut ranges) = (Vec::new(), Vec::new());
    for r in &op.responses {
        let (list, map, key) = match r.status {
            oas_client_gen::StatusMatch::Code(c) => (&mut documented, &mut variants, c),
            oas_client_gen::StatusMatch::Range(d) => (&mut ranges, &mut range_variants, u16::from(d)),
            oas_client_gen::StatusMatch::Default => continue,
        };
        list.push(key);
        if !r.success {
            map.insert(key, r.variant.clone());
        }
    }
    // The provider's own request example (the first one) of the operation.
    let examples = doc
        .value()
        .pointer(&format!(
            "/paths/{}/{}/requestBody/content/application~1json/examples",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method.to_lowercase()
        ))
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("{provider} {operation}: no request examples"));
    let request = examples.values().next().and_then(|e| e.get("value")).cloned().expect("an example value");
    Spec { request, variants, range_variants, documented, ranges }
}

async fn run(case: &Case, spec: &Spec) -> Result<Outcome, Failed> {
    let server = MockServer::start().await;
    let mut template = ResponseTemplate::new(case.status);
    for (k, v) in &case.headers {
        template = template.insert_header(k.as_str(), v.as_str());
    }
    template = match (&case.body, &case.raw_body) {
        (Some(body), None) => {
            let ct = case.headers.keys().any(|k| k.eq_ignore_ascii_case("content-type"));
            let t = template.set_body_raw(serde_json::to_vec(body)?, "application/json");
            if ct {
                // A case's own Content-Type wins.
                let (k, v) = case.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).expect("found");
                t.insert_header(k.as_str(), v.as_str())
            } else {
                t
            }
        }
        (None, Some(raw)) => template.set_body_bytes(raw.as_bytes().to_vec()),
        _ => return Err("a case has exactly one of `body` and `rawBody`".into()),
    };
    Mock::given(method("POST")).respond_with(template).mount(&server).await;
    let request = case.request.clone().unwrap_or_else(|| spec.request.clone());
    let base = match case.provider.as_str() {
        "wacr" => format!("{}/api/v2", server.uri()),
        "kirim" => format!("{}/v1", server.uri()),
        _ => server.uri(),
    };
    let out = call(case, base, &request).await?;
    // The request went out, once, unchanged.
    let received = server.received_requests().await.expect("recording is on");
    if received.len() != 1 {
        return Err(format!(
            "{} request(s) reached the server, expected 1; the client returned {out:?}",
            received.len()
        )
        .into());
    }
    let sent: Value = serde_json::from_slice(&received[0].body)?;
    if sent != request {
        return Err(format!("the request was changed on the way:\n  case: {request}\n  sent: {sent}").into());
    }
    Ok(out)
}

/// The case's verdict, checked against what the client returned.
fn judge(case: &Case, spec: &Spec, out: &Outcome) -> Result<(), String> {
    let body = case.body.as_ref();
    match (case.expect.as_str(), out) {
        ("ok", Outcome::Ok { status, body: back }) => {
            if *status != case.status {
                return Err(format!("status {status}, served {}", case.status));
            }
            match body {
                Some(served) if served != back => {
                    Err(format!("the body does not round-trip:\n  served: {served}\n  parsed: {back}"))
                }
                _ => Ok(()),
            }
        }
        ("api-error", Outcome::Api { status, variant, body: back, code, request_id }) => {
            if *status != case.status {
                return Err(format!("status {status}, served {}", case.status));
            }
            if spec.variant(*status) != Some(variant) {
                return Err(format!(
                    "variant `{variant}`, the spec documents `{:?}` for {status}",
                    spec.variant(*status)
                ));
            }
            let served = body.ok_or("an api-error case has a JSON body")?;
            if served != back {
                return Err(format!("the error body does not round-trip:\n  served: {served}\n  parsed: {back}"));
            }
            let first =
                |ptrs: &[&str]| ptrs.iter().find_map(|p| served.pointer(p).and_then(Value::as_str).map(str::to_string));
            let want_code = first(&["/error/code", "/code", "/error/type", "/error"]);
            if *code != want_code {
                return Err(format!("error_code() is {code:?}, the body carries {want_code:?}"));
            }
            let want_id = first(&["/request_id", "/requestId", "/error/request_id", "/metadata/requestId"]);
            if want_id.is_some() && *request_id != want_id {
                return Err(format!("request_id() is {request_id:?}, the body carries {want_id:?}"));
            }
            Ok(())
        }
        ("status-error", Outcome::Status { status, documented }) => {
            if *status != case.status {
                return Err(format!("status {status}, served {}", case.status));
            }
            if *documented != spec.documents(*status) {
                return Err(format!(
                    "documented = {documented}, but the spec lists {:?} and the ranges {:?}xx",
                    spec.documented, spec.ranges
                ));
            }
            Ok(())
        }
        (want, got) => Err(format!("expected `{want}`, got {got:?}")),
    }
}

fn main() {
    let args = Arguments::from_args();
    let path = contract_tests::workspace().join("tests/tolerance/cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let data: DataSet = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(data.cases.len() >= 40, "the data set looks truncated: {} cases", data.cases.len());
    let mut specs: BTreeMap<(String, String), Arc<Spec>> = BTreeMap::new();
    let table = Arc::new(Mutex::new(BTreeMap::<String, String>::new()));
    let mut trials = Vec::new();
    for case in data.cases {
        let key = (case.provider.clone(), case.operation_id.clone());
        let spec = specs.entry(key).or_insert_with(|| Arc::new(spec_facts(&case.provider, &case.operation_id))).clone();
        let table = table.clone();
        trials.push(Trial::test(case.id.clone(), move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let out = rt.block_on(run(&case, &spec))?;
            let verdict = judge(&case, &spec, &out);
            let row = format!(
                "| `{}` | {} | {} | {} | {} |",
                case.id,
                case.status,
                case.expect,
                out.label(),
                if verdict.is_ok() { "ok" } else { "FAILED" }
            );
            table.lock().unwrap_or_else(|p| p.into_inner()).insert(case.id.clone(), row);
            verdict.map_err(|e| format!("{} ({}): {e}", case.id, case.decision).into())
        }));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    let rows = table.lock().unwrap_or_else(|p| p.into_inner());
    if !rows.is_empty() {
        let mut md =
            String::from("| case | status | expected | the client returned | verdict |\n|---|---:|---|---|---|\n");
        for row in rows.values() {
            md.push_str(row);
            md.push('\n');
        }
        println!("\n{md}");
        let _ = std::fs::write(contract_tests::workspace().join("target/tolerance.md"), md);
    }
    conclusion.exit();
}
