//! A stand-in for the three providers on 127.0.0.1, for the importer's tests and benchmark.
//!
//! It answers like the APIs do (Whats91 upserts by phone and answers row by row, Kirim replays
//! an idempotency key, WA.cr refuses a phone it already has) and keeps what it stored, so a test
//! can count contacts. It is a small HTTP/1.1 server on tokio rather than axum or wiremock
//! because the faults it injects need the socket itself: a connection reset before or after the
//! request was applied, an answer that comes after the client gave up, a body cut short.
#![allow(dead_code)] // each test file and the benchmark's mock use a different part

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const BOOK: &str = "grp_test";

/// One way a request can go wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// 429 with `Retry-After: 1`; not applied.
    TooMany,
    /// 503 without `Retry-After`; not applied.
    Unavailable,
    /// The connection is reset before the request is applied.
    ResetBefore,
    /// Applied, then the connection is reset: the answer is lost.
    ResetAfter,
    /// Applied, answered only after [`State::slow`] (past the client's timeout).
    Slow,
    /// Applied, the answer breaks off halfway.
    Truncated,
}

pub const ALL_FAULTS: [Fault; 6] =
    [Fault::TooMany, Fault::Unavailable, Fault::ResetBefore, Fault::ResetAfter, Fault::Slow, Fault::Truncated];

impl Fault {
    /// The request may have been applied although the client got no answer.
    pub fn ambiguous(self) -> bool {
        matches!(self, Fault::ResetAfter | Fault::Slow | Fault::Truncated)
    }
}

/// Which import requests fail: first the scripted ones, in order, then each one with
/// probability `rate`, the kinds taking turns so that every kind occurs.
#[derive(Debug, Default)]
pub struct FaultPlan {
    pub script: VecDeque<Option<Fault>>,
    pub rate: f64,
    pub kinds: Vec<Fault>,
    pub rng: u64,
    next: usize,
}

impl FaultPlan {
    pub fn none() -> Self {
        FaultPlan::default()
    }

    pub fn random(seed: u64, rate: f64, kinds: &[Fault]) -> Self {
        FaultPlan { rate, kinds: kinds.to_vec(), rng: seed | 1, ..FaultPlan::default() }
    }

    pub fn script(faults: impl IntoIterator<Item = Option<Fault>>) -> Self {
        FaultPlan { script: faults.into_iter().collect(), ..FaultPlan::default() }
    }

    fn pick(&mut self) -> Option<Fault> {
        if let Some(f) = self.script.pop_front() {
            return f;
        }
        if self.kinds.is_empty() || self.rate <= 0.0 {
            return None;
        }
        // xorshift64*: enough randomness for choosing faults, reproducible from the seed.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let x = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
        if (x >> 11) as f64 / (1u64 << 53) as f64 >= self.rate {
            return None;
        }
        self.next += 1;
        Some(self.kinds[(self.next - 1) % self.kinds.len()])
    }
}

/// A Whats91 contact as stored in the book.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub uid: String,
    pub first_name: Option<String>,
    pub display_name: Option<String>,
    pub custom: Option<Value>,
    /// How many requests applied this phone (1 + re-sends of an applied row).
    pub applied: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub id: String,
    pub name: Option<String>,
    /// Contacts created for this phone: more than 1 is a duplicate.
    pub created: u32,
}

pub struct State {
    pub token: String,
    pub faults: Mutex<FaultPlan>,
    pub injected: Mutex<HashMap<Fault, u64>>,
    /// How long a `Slow` answer takes.
    pub slow: Duration,
    /// Every request, and the import requests (bulk upload, create contact) among them.
    pub requests: AtomicU64,
    pub import_requests: AtomicU64,
    /// When each import request arrived.
    pub arrivals: Mutex<Vec<Instant>>,
    /// Whats91, by phone.
    pub book: Mutex<HashMap<String, Stored>>,
    pub largest_batch: AtomicUsize,
    /// Rows applied again (a phone the book already had, sent by the importer again).
    pub reapplied: AtomicU64,
    /// Kirim: contacts by phone, and answers by idempotency key (with the body they answered).
    pub kirim: Mutex<HashMap<String, Created>>,
    pub kirim_keys: Mutex<HashMap<String, (Vec<u8>, String)>>,
    pub replays: AtomicU64,
    /// WA.cr, by phone.
    pub wacr: Mutex<HashMap<String, Created>>,
    /// Import request number whose answer is held back (after applying it) until reset to 0.
    pub stall_at: AtomicU64,
    pub stalled: AtomicBool,
    books: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl State {
    pub fn injected(&self, fault: Fault) -> u64 {
        lock(&self.injected).get(&fault).copied().unwrap_or(0)
    }

    pub fn injected_total(&self) -> u64 {
        lock(&self.injected).values().sum()
    }

    pub fn injected_ambiguous(&self) -> u64 {
        lock(&self.injected).iter().filter(|(f, _)| f.ambiguous()).map(|(_, n)| n).sum()
    }

    pub fn book(&self) -> MutexGuard<'_, HashMap<String, Stored>> {
        lock(&self.book)
    }

    pub fn kirim(&self) -> MutexGuard<'_, HashMap<String, Created>> {
        lock(&self.kirim)
    }

    pub fn wacr(&self) -> MutexGuard<'_, HashMap<String, Created>> {
        lock(&self.wacr)
    }

    pub fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.faults) = plan;
    }
}

pub struct Mock {
    pub addr: SocketAddr,
    pub state: Arc<State>,
}

impl Mock {
    pub async fn start(token: &str, faults: FaultPlan) -> Mock {
        Mock::start_on(0, token, faults).await
    }

    pub async fn start_on(port: u16, token: &str, faults: FaultPlan) -> Mock {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            token: token.to_string(),
            faults: Mutex::new(faults),
            injected: Mutex::new(HashMap::new()),
            slow: Duration::from_millis(1500),
            requests: AtomicU64::new(0),
            import_requests: AtomicU64::new(0),
            arrivals: Mutex::new(Vec::new()),
            book: Mutex::new(HashMap::new()),
            largest_batch: AtomicUsize::new(0),
            reapplied: AtomicU64::new(0),
            kirim: Mutex::new(HashMap::new()),
            kirim_keys: Mutex::new(HashMap::new()),
            replays: AtomicU64::new(0),
            wacr: Mutex::new(HashMap::new()),
            stall_at: AtomicU64::new(0),
            stalled: AtomicBool::new(false),
            books: AtomicU64::new(0),
        });
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { continue };
                let _ = socket.set_nodelay(true);
                tokio::spawn(connection(socket, shared.clone()));
            }
        });
        Mock { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

async fn connection(mut socket: TcpStream, state: Arc<State>) {
    let mut buf = Vec::with_capacity(64 * 1024);
    while let Some(request) = read_request(&mut socket, &mut buf).await {
        state.requests.fetch_add(1, Ordering::Relaxed);
        let is_import = request.method == "POST"
            && (request.path.ends_with("/contacts/bulk") || request.path.ends_with("/contacts"));
        let (fault, number) = if is_import {
            let number = state.import_requests.fetch_add(1, Ordering::Relaxed) + 1;
            lock(&state.arrivals).push(Instant::now());
            let fault = lock(&state.faults).pick();
            if let Some(f) = fault {
                *lock(&state.injected).entry(f).or_default() += 1;
            }
            (fault, number)
        } else {
            (None, 0)
        };
        match fault {
            Some(Fault::ResetBefore) => return reset(socket),
            Some(Fault::TooMany) => {
                let body = r#"{"success":false,"message":"Too many requests"}"#;
                if write(&mut socket, 429, &[("retry-after", "1")], body).await.is_err() {
                    return;
                }
                continue;
            }
            Some(Fault::Unavailable) => {
                if write(&mut socket, 503, &[], r#"{"success":false,"message":"Down for a moment"}"#).await.is_err() {
                    return;
                }
                continue;
            }
            _ => {}
        }
        let (status, body) = handle(&state, &request);
        if number > 0 && state.stall_at.load(Ordering::SeqCst) == number {
            state.stalled.store(true, Ordering::SeqCst);
            while state.stall_at.load(Ordering::SeqCst) == number {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            return reset(socket);
        }
        match fault {
            Some(Fault::ResetAfter) => return reset(socket),
            Some(Fault::Slow) => {
                tokio::time::sleep(state.slow).await;
                let _ = write(&mut socket, status, &[], &body).await;
                return;
            }
            Some(Fault::Truncated) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body.as_bytes()[..body.len() / 2]).await;
                return reset(socket);
            }
            _ => {}
        }
        if write(&mut socket, status, &[], &body).await.is_err() {
            return;
        }
    }
}

/// Closes with a TCP reset rather than an orderly close.
fn reset(socket: TcpStream) {
    let _ = socket.set_zero_linger();
    drop(socket);
}

async fn write(socket: &mut TcpStream, status: u16, headers: &[(&str, &str)], body: &str) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        if status < 300 { "OK" } else { "Error" },
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    socket.write_all(&out).await
}

async fn read_request(socket: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 || !fill(socket, buf).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let start = head_end + 4;
    while buf.len() < start + length {
        if !fill(socket, buf).await {
            return None;
        }
    }
    let body = buf[start..start + length].to_vec();
    buf.drain(..start + length);
    Some(Request { method, path, headers, body })
}

async fn fill(socket: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 64 * 1024];
    matches!(socket.read(&mut chunk).await, Ok(n) if n > 0 && { buf.extend_from_slice(&chunk[..n]); true })
}

fn handle(state: &State, r: &Request) -> (u16, String) {
    if (r.method.as_str(), r.path.as_str()) == ("GET", "/stats") {
        return (200, stats(state));
    }
    if r.header("authorization") != Some(format!("Bearer {}", state.token).as_str()) {
        return (
            401,
            json!({"success": false, "error": {"code": "INVALID_AUTH_TOKEN", "message": "Invalid token"}}).to_string(),
        );
    }
    let segments: Vec<&str> = r.path.trim_start_matches('/').split('/').collect();
    match (r.method.as_str(), segments.as_slice()) {
        ("POST", ["api", "v2", "contact-books"]) => create_book(state, &r.body),
        ("POST", ["api", "v2", "contact-books", book, "contacts", "bulk"]) => bulk(state, book, &r.body),
        ("POST", ["contacts"]) => wacr(state, &r.body),
        ("POST", [_phone_number_id, "contacts"]) => kirim(state, r),
        _ => (404, json!({"success": false, "error": {"code": "NOT_FOUND"}}).to_string()),
    }
}

/// Counts for a script (the benchmark checks that every row arrived).
fn stats(state: &State) -> String {
    json!({
        "requests": state.requests.load(Ordering::Relaxed),
        "import_requests": state.import_requests.load(Ordering::Relaxed),
        "whats91_contacts": state.book().len(),
        "whats91_reapplied": state.reapplied.load(Ordering::Relaxed),
        "kirim_contacts": state.kirim().len(),
        "wacr_contacts": state.wacr().len(),
        "largest_batch": state.largest_batch.load(Ordering::Relaxed),
    })
    .to_string()
}

fn create_book(state: &State, body: &[u8]) -> (u16, String) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return (400, "{}".into()) };
    let n = state.books.fetch_add(1, Ordering::Relaxed) + 1;
    let book = json!({"contactBookUid": format!("grp_{n}"), "name": v["name"], "status": "ACTIVE", "contactCount": 0});
    (201, json!({"success": true, "message": "Contact book created", "data": {"contactBook": book}}).to_string())
}

#[derive(Deserialize)]
struct BulkBody {
    contacts: Vec<BulkContact>,
}

#[derive(Deserialize)]
struct BulkContact {
    #[serde(default)]
    phone: String,
    #[serde(rename = "firstName")]
    first_name: Option<String>,
    #[serde(rename = "displayName")]
    display_name: Option<String>,
    #[serde(rename = "customFields")]
    custom_fields: Option<Value>,
}

fn bulk(state: &State, book_uid: &str, body: &[u8]) -> (u16, String) {
    let error = |status: u16, code: &str, message: &str| {
        (status, json!({"success": false, "message": message, "error": {"code": code, "message": message}}).to_string())
    };
    if book_uid != BOOK {
        return error(404, "CONTACT_BOOK_NOT_FOUND", "No such contact book");
    }
    let Ok(request) = serde_json::from_slice::<BulkBody>(body) else {
        return error(400, "VALIDATION_FAILED", "Malformed contacts array");
    };
    let n = request.contacts.len();
    state.largest_batch.fetch_max(n, Ordering::Relaxed);
    if n > 1000 {
        return error(400, "VALIDATION_FAILED", "More than 1000 contacts");
    }
    // A test hook: a custom field `poison` makes the whole request invalid, as an invalid custom
    // field does on the real API.
    if request.contacts.iter().any(|c| c.custom_fields.as_ref().is_some_and(|f| f.get("poison").is_some())) {
        return error(400, "VALIDATION_FAILED", "Invalid custom fields");
    }
    let mut book = state.book();
    let mut seen = HashSet::new();
    let (mut created, mut updated, mut skipped, mut invalid) = (0, 0, 0, 0);
    let mut results = String::with_capacity(n * 96);
    for (i, c) in request.contacts.into_iter().enumerate() {
        if i > 0 {
            results.push(',');
        }
        let row = i + 1;
        if c.phone.is_empty() || c.phone.starts_with("bad") {
            invalid += 1;
            results.push_str(&format!(
                r#"{{"row":{row},"status":"INVALID","reason":"INVALID_PHONE","phone":{}}}"#,
                json!(c.phone)
            ));
            continue;
        }
        if !seen.insert(c.phone.clone()) {
            skipped += 1;
            results.push_str(&format!(
                r#"{{"row":{row},"status":"SKIPPED","reason":"DUPLICATE_IN_REQUEST","phone":{}}}"#,
                json!(c.phone)
            ));
            continue;
        }
        let next = book.len() + 1;
        let (status, uid) = match book.get_mut(&c.phone) {
            Some(s) => {
                s.applied += 1;
                s.first_name = c.first_name;
                s.display_name = c.display_name;
                s.custom = c.custom_fields;
                state.reapplied.fetch_add(1, Ordering::Relaxed);
                updated += 1;
                ("UPDATED", s.uid.clone())
            }
            None => {
                let uid = format!("ct_{next}");
                let stored = Stored {
                    uid: uid.clone(),
                    first_name: c.first_name,
                    display_name: c.display_name,
                    custom: c.custom_fields,
                    applied: 1,
                };
                book.insert(c.phone.clone(), stored);
                created += 1;
                ("CREATED", uid)
            }
        };
        results.push_str(&format!(
            r#"{{"row":{row},"status":"{status}","contact":{{"contactUid":"{uid}","phone":{}}}}}"#,
            json!(c.phone)
        ));
    }
    let body = format!(
        r#"{{"success":true,"message":"Contacts uploaded","data":{{"contactBook":{{"contactBookUid":"{BOOK}","name":"Test"}},"summary":{{"total":{n},"created":{created},"updated":{updated},"skipped":{skipped},"invalid":{invalid}}},"results":[{results}]}},"metadata":{{"apiVersion":"v2"}}}}"#
    );
    (200, body)
}

fn kirim(state: &State, r: &Request) -> (u16, String) {
    let Some(key) = r.header("idempotency-key").map(str::to_string) else {
        return (
            400,
            json!({"error": {"type": "invalid_request_error", "code": "missing_idempotency_key"}}).to_string(),
        );
    };
    let mut keys = lock(&state.kirim_keys);
    if let Some((body, answer)) = keys.get(&key) {
        if *body == r.body {
            state.replays.fetch_add(1, Ordering::Relaxed);
            return (200, answer.clone());
        }
        return (422, json!({"error": {"type": "invalid_request_error", "code": "idempotency_key_reuse"}}).to_string());
    }
    let Ok(v) = serde_json::from_slice::<Value>(&r.body) else { return (400, "{}".into()) };
    let Some(phone) = v["phone_number"].as_str().map(str::to_string) else {
        return (400, json!({"error": {"type": "invalid_request_error", "code": "invalid_phone_number"}}).to_string());
    };
    let mut contacts = state.kirim();
    let id = format!("kc_{}", contacts.len() + 1);
    let name = v["name"].as_str().map(str::to_string);
    let entry = contacts.entry(phone.clone()).or_insert(Created { id: id.clone(), name, created: 0 });
    entry.created += 1;
    let answer = json!({"data": {"id": id, "object": "contact", "phone_number": phone, "name": v["name"]}, "request_id": format!("req_{id}")}).to_string();
    keys.insert(key, (r.body.clone(), answer.clone()));
    (201, answer)
}

fn wacr(state: &State, body: &[u8]) -> (u16, String) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return (400, "{}".into()) };
    let phone = v["phone"].as_str().unwrap_or_default().to_string();
    let mut contacts = state.wacr();
    if contacts.contains_key(&phone) {
        // One of the layouts the docs allow: the documented message at the top, no details.
        let body = json!({"message": "This phone number already exists", "error": {"code": "VALIDATION_ERROR"}});
        return (422, body.to_string());
    }
    let id = contacts.len() as i64 + 1;
    let name = v["firstname"].as_str().map(str::to_string);
    contacts.insert(phone, Created { id: id.to_string(), name, created: 1 });
    (201, json!({"success": true, "message": "Contact created successfully", "data": {"id": id, "firstname": v["firstname"], "type": v["type"], "groups": []}}).to_string())
}
