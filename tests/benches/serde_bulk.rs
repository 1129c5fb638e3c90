//! What the generated Whats91 bulk types cost in serde time, against the plain structs a person
//! would write by hand for the same JSON (no unknown-field preservation, no validation).
//!
//! * `decode_bulk_response`: a 1000-row `bulkUploadContacts` success body, `serde_json::from_slice`.
//! * `encode_bulk_request`: a 1000-contact `bulkUploadContacts` request, `serde_json::to_writer`
//!   into a reused buffer.
//!
//! Run with `cargo bench -p contract-tests --bench serde_bulk`. Criterion prints its estimates
//! (wall time, one side after the other); afterwards a summary line per pair gives the ratio
//! generated / hand-written, measured here in interleaved rounds as thread CPU time, so that
//! load from other processes on the machine skews neither side. The payloads are built deterministically, and before measuring, both sides are checked
//! to decode the body to the same JSON and to encode the request to the same bytes.

use criterion::{BenchmarkId, Criterion, Throughput};
use serde::Serialize;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Rows in the response body and contacts in the request (the API's per-request maximum).
const ROWS: usize = 1000;

// ---- The generated types. This is the only section that names them: adapt it when the generated
// ---- API changes shape. Values of these types are made by decoding JSON, never constructed.
type GeneratedResponse = whatsapp_contacts::whats91::types::BulkUploadContactsResponse;
type GeneratedRequest = whatsapp_contacts::whats91::types::BulkUploadContactsRequest;
// ---- End of the section.

/// The structs a person would write for the same two bodies from the same contract (what the spec
/// makes optional is an `Option` here too): plain serde derives.
mod hand {
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct BulkUploadResponse {
        pub success: bool,
        pub message: Option<String>,
        pub data: BulkUploadData,
        pub metadata: Option<ResponseMetadata>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct BulkUploadData {
        pub contact_book: ContactBookRef,
        pub summary: Option<BulkUploadSummary>,
        pub results: Option<Vec<RowResult>>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ContactBookRef {
        pub contact_book_uid: String,
        pub name: String,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct BulkUploadSummary {
        pub total: Option<i64>,
        pub created: Option<i64>,
        pub updated: Option<i64>,
        pub skipped: Option<i64>,
        pub invalid: Option<i64>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct RowResult {
        pub row: Option<i64>,
        pub status: Option<RowStatus>,
        pub reason: Option<String>,
        pub contact: Option<UploadedContact>,
        pub phone: Option<String>,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum RowStatus {
        Created,
        Updated,
        Skipped,
        Invalid,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UploadedContact {
        pub contact_uid: Option<String>,
        pub phone: Option<String>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ResponseMetadata {
        pub api_version: Option<String>,
        pub request_id: Option<String>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct BulkUploadRequest {
        pub default_country_code: Option<String>,
        pub contacts: Vec<ContactInput>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ContactInput {
        pub phone: String,
        pub display_name: Option<String>,
        pub first_name: Option<String>,
        pub last_name: Option<String>,
        pub email: Option<String>,
        pub company_name: Option<String>,
        pub custom_fields: Option<BTreeMap<String, serde_json::Value>>,
    }
}

const FIRST: [&str; 8] = ["Asha", "Rahul", "Priya", "Vikram", "Meera", "Arjun", "Kavya", "Rohan"];
const LAST: [&str; 7] = ["Rao", "Sharma", "Iyer", "Patel", "Nair", "Gupta", "Menon"];
const COMPANIES: [&str; 5] = ["Acme Retail", "Globex Traders", "Initech", "Umbrella Foods", "Stark Textiles"];
const CITIES: [&str; 6] = ["Mumbai", "Pune", "Bengaluru", "Chennai", "Delhi", "Kochi"];
const TIERS: [&str; 3] = ["gold", "silver", "bronze"];

/// The 1000-contact request, as the hand-written structs.
fn request() -> hand::BulkUploadRequest {
    let contacts = (0..ROWS)
        .map(|i| {
            let (first, last) = (FIRST[i % FIRST.len()], LAST[i % LAST.len()]);
            let mut custom = std::collections::BTreeMap::new();
            custom.insert("city".to_string(), Value::from(CITIES[i % CITIES.len()]));
            custom.insert("tier".to_string(), Value::from(TIERS[i % TIERS.len()]));
            hand::ContactInput {
                phone: format!("70{:08}", 782_082 + i * 7),
                display_name: Some(format!("{first} {last}")),
                first_name: Some(first.to_string()),
                last_name: Some(last.to_string()),
                email: Some(format!("{}.{}{i}@example.com", first.to_lowercase(), last.to_lowercase())),
                company_name: Some(COMPANIES[i % COMPANIES.len()].to_string()),
                custom_fields: Some(custom),
            }
        })
        .collect();
    hand::BulkUploadRequest { default_country_code: Some("91".to_string()), contacts }
}

/// The 1000-row success body, as the server would send it (absent optional fields are omitted):
/// mostly created or updated rows with their contact, some duplicates skipped, a few invalid.
fn response_body() -> Vec<u8> {
    let mut counts = [0i32; 4]; // created, updated, skipped, invalid
    let results: Vec<Value> = (0..ROWS)
        .map(|i| {
            let phone = format!("+9170{:08}", 782_082 + i * 7);
            if i % 50 == 49 {
                counts[2] += 1;
                json!({ "row": i + 1, "status": "SKIPPED", "reason": "DUPLICATE_IN_REQUEST", "phone": phone })
            } else if i % 97 == 96 {
                counts[3] += 1;
                json!({ "row": i + 1, "status": "INVALID", "reason": "INVALID_PHONE_NUMBER", "phone": phone })
            } else {
                let status = if i % 3 == 0 { "UPDATED" } else { "CREATED" };
                counts[usize::from(i % 3 == 0)] += 1;
                json!({ "row": i + 1, "status": status,
                        "contact": { "contactUid": format!("ct_01HZX{:08X}", 0x5EED_0000_u32 + i as u32), "phone": phone } })
            }
        })
        .collect();
    let body = json!({
        "success": true,
        "message": "Contacts uploaded",
        "data": {
            "contactBook": { "contactBookUid": "grp_01HZX7Q4M2K8", "name": "Retail Leads" },
            "summary": { "total": ROWS, "created": counts[0], "updated": counts[1], "skipped": counts[2], "invalid": counts[3] },
            "results": results
        },
        "metadata": { "apiVersion": "v1", "requestId": "req_7f3c2a9e1b" }
    });
    serde_json::to_vec(&body).expect("a Value always serializes")
}

/// The JSON of a value with every `null` member removed, for comparing decoded bodies: the
/// hand-written structs write absent options as `null`, the generated ones leave them out.
fn normalized(value: &impl Serialize) -> Value {
    fn strip(v: Value) -> Value {
        match v {
            Value::Object(m) => {
                Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip(v))).collect())
            }
            Value::Array(a) => Value::Array(a.into_iter().map(strip).collect()),
            other => other,
        }
    }
    strip(serde_json::to_value(value).expect("serializes"))
}

struct Fixtures {
    body: Vec<u8>,
    hand_request: hand::BulkUploadRequest,
    generated_request: GeneratedRequest,
}

impl Fixtures {
    /// Builds the payloads and checks that both sides agree on them.
    fn new() -> Self {
        let body = response_body();
        let original: Value = serde_json::from_slice(&body).expect("valid JSON");
        let hand: hand::BulkUploadResponse =
            serde_json::from_slice(&body).expect("hand-written structs decode the body");
        let generated: GeneratedResponse = serde_json::from_slice(&body).expect("generated types decode the body");
        assert_eq!(hand.data.results.as_ref().map(Vec::len), Some(ROWS));
        assert_eq!(normalized(&hand), original, "the hand-written structs lose or change data");
        assert_eq!(normalized(&generated), original, "the generated types lose or change data");

        let hand_request = request();
        let encoded = serde_json::to_vec(&hand_request).expect("serializes");
        let generated_request: GeneratedRequest = serde_json::from_slice(&encoded).expect("generated request decodes");
        assert_eq!(
            serde_json::to_vec(&generated_request).expect("serializes"),
            encoded,
            "the generated and hand-written requests encode to different bytes"
        );
        Fixtures { body, hand_request, generated_request }
    }
}

fn decode_generated(body: &[u8]) -> GeneratedResponse {
    serde_json::from_slice(body).expect("decodes")
}

fn decode_hand(body: &[u8]) -> hand::BulkUploadResponse {
    serde_json::from_slice(body).expect("decodes")
}

fn encode(buf: &mut Vec<u8>, value: &impl Serialize) {
    buf.clear();
    serde_json::to_writer(&mut *buf, value).expect("serializes");
}

fn criterion_benches(c: &mut Criterion, f: &Fixtures) {
    let mut group = c.benchmark_group("decode_bulk_response");
    group.throughput(Throughput::Bytes(f.body.len() as u64));
    group.bench_with_input(BenchmarkId::new("generated", ROWS), &f.body, |b, body| {
        b.iter(|| decode_generated(black_box(body)))
    });
    group.bench_with_input(BenchmarkId::new("hand_written", ROWS), &f.body, |b, body| {
        b.iter(|| decode_hand(black_box(body)))
    });
    group.finish();

    let mut buf = Vec::with_capacity(f.body.len());
    let mut group = c.benchmark_group("encode_bulk_request");
    encode(&mut buf, &f.hand_request);
    group.throughput(Throughput::Bytes(buf.len() as u64));
    group.bench_function(BenchmarkId::new("generated", ROWS), |b| {
        b.iter(|| encode(&mut buf, black_box(&f.generated_request)))
    });
    group.bench_function(BenchmarkId::new("hand_written", ROWS), |b| {
        b.iter(|| encode(&mut buf, black_box(&f.hand_request)))
    });
    group.finish();
}

/// CPU time used by the calling thread so far. Unlike wall time it does not grow while other
/// processes have the CPU, which matters on a small machine shared with other builds.
#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes only the timespec it is given, which lives on this stack frame.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Where there is no per-thread CPU clock, wall time stands in.
#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Per-call time of one side: median over the rounds, as thread CPU time and as wall time.
struct PerCall {
    cpu: Duration,
    wall: Duration,
}

/// Times `a` and `b` in interleaved rounds of `per_round` calls each, so that anything else
/// happening on the machine falls on both sides alike.
fn interleaved(rounds: usize, per_round: u32, mut a: impl FnMut(), mut b: impl FnMut()) -> (PerCall, PerCall) {
    let time = |f: &mut dyn FnMut()| {
        let (wall, cpu) = (Instant::now(), thread_cpu_time());
        for _ in 0..per_round {
            f();
        }
        ((thread_cpu_time() - cpu) / per_round, wall.elapsed() / per_round)
    };
    let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for _ in 0..rounds {
        ta.push(time(&mut a));
        tb.push(time(&mut b));
    }
    let median = |v: &[(Duration, Duration)]| {
        let mut cpu: Vec<Duration> = v.iter().map(|t| t.0).collect();
        let mut wall: Vec<Duration> = v.iter().map(|t| t.1).collect();
        cpu.sort();
        wall.sort();
        PerCall { cpu: cpu[cpu.len() / 2], wall: wall[wall.len() / 2] }
    };
    (median(&ta), median(&tb))
}

/// Prints one pair's line and returns its ratio generated / hand-written (CPU time).
fn report(what: &str, generated: &PerCall, hand: &PerCall) -> f64 {
    let ratio = generated.cpu.as_secs_f64() / hand.cpu.as_secs_f64();
    println!(
        "summary: {what}: generated {:.2?}, hand-written {:.2?} per call (CPU; wall {:.2?} / {:.2?}), ratio generated/hand-written {ratio:.2}",
        generated.cpu, hand.cpu, generated.wall, hand.wall
    );
    ratio
}

fn summary(f: &Fixtures) {
    let (rounds, per_round) = (41, 100);
    let (generated, hand) = interleaved(
        rounds,
        per_round,
        || drop(black_box(decode_generated(black_box(&f.body)))),
        || drop(black_box(decode_hand(black_box(&f.body)))),
    );
    let decode = report(&format!("decode {ROWS}-row bulk response ({} bytes)", f.body.len()), &generated, &hand);
    let (mut buf_a, mut buf_b) = (Vec::new(), Vec::new());
    let (generated, hand) = interleaved(
        rounds,
        per_round,
        || encode(&mut buf_a, black_box(&f.generated_request)),
        || encode(&mut buf_b, black_box(&f.hand_request)),
    );
    let encode = report(&format!("encode {ROWS}-contact bulk request ({} bytes)", buf_b.len()), &generated, &hand);
    println!(
        "summary: ratios generated/hand-written: decode {decode:.2}, encode {encode:.2} (thread CPU time, median of {rounds} interleaved rounds of {per_round} calls)"
    );
}

fn main() {
    let fixtures = Fixtures::new();
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &fixtures);
    c.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then criterion only
    // runs each benchmark once to see that it works, so the timed summary is skipped too.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list") {
        summary(&fixtures);
    }
}
