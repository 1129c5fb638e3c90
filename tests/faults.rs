//! Fault injection: each test makes a server on 127.0.0.1 misbehave in one way and checks the
//! typed error the generated client returns (or the success it reaches by retrying). Nothing
//! may panic. wiremock is used where it can produce the fault; a hand-rolled tokio server
//! where it cannot (a body that breaks off, 50 MB streams).
//!
//! | # | fault | operation | the client returns |
//! |---|---|---|---|
//! | 1 | 200 with a non-JSON text body | whats91 createContactBook | `Error::Decode` (status 200, raw body and content type kept) |
//! | 2 | 201 with truncated JSON | whats91 createContactBook | `Error::Decode` (status 201, raw body kept) |
//! | 3a | 502 HTML page (status not in the spec) | whats91 createContactBook | `Error::UnexpectedStatus` (502, raw body kept), not retried |
//! | 3b | 500 HTML page (documented status) | kirim createContact | `Error::Decode` (status 500, content type `text/html`), not retried |
//! | 4 | 200/201 with an empty body | whats91, kirim | `Error::Decode` ("the body is empty …") |
//! | 5 | `Content-Type: text/html` on a valid JSON body | whats91 createContactBook | `Ok`: the body is decoded as the spec documents it; the header is only reported in `DecodeError::content_type` when decoding fails |
//! | 6 | response 2 s late, timeout 300 ms | whats91 createContactBook | `Error::Transport` with `is_timeout()`, no status; one attempt (not retry-safe) |
//! | 6b | same, retry-safe request | kirim createContact | retried `max_retries` times, then `Error::Transport` with `is_timeout()` |
//! | 7 | connection closed mid-body (Content-Length not reached) | whats91 (200), kirim (201) | `Error::Transport` with `status == Some(200/201)` |
//! | 8 | 429 + `Retry-After: 1`, then 201 | kirim createContact (auto idempotency key) | `Ok` after waiting ≥ 1 s; 2 requests |
//! | 9a | 50 MiB chunked body (no Content-Length) | whats91 createContactBook | `Error::ResponseTooLarge { status: 200, limit: 16 MiB }`; reading stops at the limit, the server cannot send it all |
//! | 9b | 50 MiB close-delimited body (no Content-Length) | whats91 createContactBook | same as 9a |
//! | 9c | `Content-Length: 52428800` | whats91 createContactBook | `Error::ResponseTooLarge` from the Content-Length check, before reading the body |
//! | 9d | 2 KiB body, `max_response_bytes(1024)` | whats91 createContactBook | `Error::ResponseTooLarge { limit: 1024 }` |

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use whatsapp_contacts::runtime::{Config, Error, RetryPolicy};
use whatsapp_contacts::{kirim, whats91};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token";
const DEFAULT_LIMIT: usize = 16 * 1024 * 1024;

fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .max_retry_after(Duration::from_secs(3))
}

fn config(base_url: String) -> Config {
    Config::new(base_url).bearer_token(TOKEN).timeout(Duration::from_secs(20)).retry(fast_retry())
}

fn whats91_at(base_url: String) -> whats91::Client {
    whats91::Client::from_config(config(base_url)).unwrap()
}

fn kirim_at(base_url: String) -> kirim::Client {
    kirim::Client::from_config(config(base_url)).unwrap()
}

fn book_request() -> whats91::types::CreateContactBookRequest {
    whats91::types::CreateContactBookRequest::new("Retail Leads".into())
}

fn contact_request() -> kirim::types::CreateContactRequest {
    kirim::types::CreateContactRequest::new("+6281234567890".into())
}

fn book_created() -> Value {
    json!({
        "success": true,
        "message": "Contact book created",
        "data": {"contactBook": {"contactBookUid": "grp_abc", "name": "Retail Leads", "status": "ACTIVE"}},
        "metadata": {"apiVersion": "v2", "requestId": "request-uuid"}
    })
}

fn contact_created() -> Value {
    json!({
        "data": {
            "id": "ctc_1", "object": "contact", "phone_number": "+6281234567890", "name": null,
            "email": null, "metadata": null, "whatsapp_account": {"phone_number": null},
            "created_at": "2025-01-15T08:30:00Z", "updated_at": "2025-01-15T08:30:00Z"
        },
        "request_id": "req_1"
    })
}

async fn wiremock_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(template).mount(&server).await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording is on").len()
}

// ---------------------------------------------------------------------------------------------
// A hand-rolled HTTP/1.1 server for faults wiremock cannot produce

/// Accepts one connection on 127.0.0.1, reads the whole request, then hands the stream over.
async fn one_connection<F, Fut, T>(respond: F) -> (String, JoinHandle<T>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        read_request(&mut stream).await;
        respond(stream).await
    });
    (base, task)
}

/// Reads a request head and its Content-Length body, so that closing the socket afterwards is
/// a clean FIN (unread input would turn it into a reset that can discard what we wrote).
async fn read_request(stream: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return;
            }
        }
        let n = stream.read(&mut tmp).await.unwrap();
        assert!(n > 0, "the client closed the connection before sending the whole request");
        buf.extend_from_slice(&tmp[..n]);
    }
}

/// How a 50 MiB body is delimited.
#[derive(Clone, Copy, Debug)]
enum Framing {
    Chunked,
    CloseDelimited,
    ContentLength,
}

const BIG: usize = 50 * 1024 * 1024;

/// Streams a 50 MiB body from one reusable 64 KiB buffer; returns how many body bytes the
/// client let it write before closing the connection.
async fn stream_big_body(framing: Framing) -> (String, JoinHandle<usize>) {
    one_connection(move |mut stream| async move {
        let head = match framing {
            Framing::Chunked => {
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_string()
            }
            Framing::CloseDelimited => {
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".to_string()
            }
            Framing::ContentLength => {
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {BIG}\r\n\r\n")
            }
        };
        if stream.write_all(head.as_bytes()).await.is_err() {
            return 0;
        }
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0;
        while written < BIG {
            let result = match framing {
                Framing::Chunked => {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(&chunk);
                    framed.extend_from_slice(b"\r\n");
                    stream.write_all(&framed).await
                }
                _ => stream.write_all(&chunk).await,
            };
            if result.is_err() {
                return written;
            }
            written += chunk.len();
        }
        if matches!(framing, Framing::Chunked) {
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        written
    })
    .await
}

async fn assert_big_body_is_cut(framing: Framing) {
    let (base, server) = stream_big_body(framing).await;
    let err = whats91_at(base).create_contact_book(&book_request()).await.unwrap_err();
    match &err {
        Error::ResponseTooLarge { status, limit } => assert_eq!((*status, *limit), (200, DEFAULT_LIMIT)),
        other => panic!("{framing:?}: expected ResponseTooLarge, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains(&DEFAULT_LIMIT.to_string()), "{err}");
    // The client closed the connection instead of reading on: the server could not deliver
    // the whole body (what it wrote sits at most in the kernel's socket buffers).
    let written = tokio::time::timeout(Duration::from_secs(30), server).await.expect("server finished").unwrap();
    assert!(written < BIG, "{framing:?}: the server wrote all {written} bytes, so the client read past its limit");
    if let Framing::ContentLength = framing {
        // Refused on the header alone: the server got no further than the socket buffers
        // (a few MiB), well short of the 16 MiB the streaming cap would have read first.
        assert!(written < DEFAULT_LIMIT, "the client read {written} bytes of a body it should have refused unread");
    }
}

// ---------------------------------------------------------------------------------------------
// 1-5: bodies that do not match the spec

#[tokio::test]
async fn non_json_body_on_success_is_a_decode_error() {
    let server = wiremock_answering(ResponseTemplate::new(200).set_body_raw("OK, book created", "text/plain")).await;
    let err = whats91_at(server.uri()).create_contact_book(&book_request()).await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(d.status, 200);
    assert_eq!(d.body, b"OK, book created");
    assert_eq!(d.content_type.as_deref(), Some("text/plain"));
    assert!(d.message.contains("does not match"), "{}", d.message);
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.raw_body(), Some(&b"OK, book created"[..]));
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let full = serde_json::to_string(&book_created()).unwrap();
    let truncated = &full[..full.len() / 2];
    let server = wiremock_answering(ResponseTemplate::new(201).set_body_raw(truncated, "application/json")).await;
    let err = whats91_at(server.uri()).create_contact_book(&book_request()).await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(d.status, 201);
    assert_eq!(d.body, truncated.as_bytes());
    assert!(d.message.contains("EOF"), "serde's reason is kept: {}", d.message);
}

const HTML: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

#[tokio::test]
async fn html_error_page_on_an_undocumented_status_is_unexpected_status() {
    let server = wiremock_answering(ResponseTemplate::new(502).set_body_raw(HTML, "text/html")).await;
    let err = whats91_at(server.uri()).create_contact_book(&book_request()).await.unwrap_err();
    let Error::Status(raw) = &err else { panic!("expected Status, got {err:?}") };
    assert_eq!(raw.status, 502);
    assert_eq!(raw.body, HTML.as_bytes());
    assert_eq!(raw.headers.get("content-type").unwrap(), "text/html");
    assert_eq!(err.error_code(), None);
    assert_eq!(err.request_id(), None);
    assert_eq!(request_count(&server).await, 1, "502 is not retried");
}

#[tokio::test]
async fn html_error_page_on_a_documented_status_is_that_status_not_a_decode_error() {
    // A failure the spec documents stays a failure with its status when its body is not the
    // documented envelope: the caller matches on the status, and nothing reads as a protocol error.
    let page = HTML.replace("502 Bad Gateway", "500 Internal Server Error");
    let server = wiremock_answering(ResponseTemplate::new(500).set_body_raw(page.clone(), "text/html")).await;
    let err = kirim_at(server.uri()).create_contact("1", &contact_request()).await.unwrap_err();
    let Error::Status(s) = &err else { panic!("expected Status, got {err:?}") };
    assert_eq!(s.status, 500);
    assert!(s.documented);
    assert!(s.reason.as_deref().is_some_and(|r| r.contains("does not match")), "{:?}", s.reason);
    assert_eq!(s.body, page.as_bytes());
    assert_eq!(err.status(), Some(500));
    assert!(err.to_string().starts_with("HTTP 500: documented error status"), "{err}");
    // Kirim's request is retry-safe, but 500 is not a status to retry.
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn empty_body_on_success_is_a_decode_error() {
    for status in [200, 201] {
        let server = wiremock_answering(ResponseTemplate::new(status)).await;
        let err = whats91_at(server.uri()).create_contact_book(&book_request()).await.unwrap_err();
        let Error::Decode(d) = &err else { panic!("{status}: expected Decode, got {err:?}") };
        assert_eq!(d.status, status);
        assert!(d.body.is_empty());
        assert!(d.message.contains("empty"), "{}", d.message);
    }
    let server = wiremock_answering(ResponseTemplate::new(201).set_body_raw(" \r\n", "application/json")).await;
    let err = kirim_at(server.uri()).create_contact("1", &contact_request()).await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(d.status, 201);
    assert!(d.message.contains("empty"), "{}", d.message);
}

/// The runtime does not look at the response's Content-Type: a documented status is decoded
/// with the media type the spec documents for it (JSON here). A mislabelled but valid body
/// therefore succeeds; when decoding fails, the header is reported in `DecodeError::content_type`.
#[tokio::test]
async fn wrong_content_type_with_a_valid_json_body_is_decoded_per_the_spec() {
    let body = serde_json::to_vec(&book_created()).unwrap();
    let server = wiremock_answering(ResponseTemplate::new(200).set_body_raw(body, "text/html; charset=utf-8")).await;
    let res = whats91_at(server.uri()).create_contact_book(&book_request()).await.unwrap();
    assert_eq!(res.status, 200);
    assert_eq!(res.headers.get("content-type").unwrap(), "text/html; charset=utf-8");
    assert_eq!(res.body.data.contact_book.contact_book_uid, "grp_abc");
}

// ---------------------------------------------------------------------------------------------
// 6-8: timing and connection faults

#[tokio::test]
async fn server_slower_than_the_timeout_is_a_transport_timeout() {
    let server =
        wiremock_answering(ResponseTemplate::new(201).set_body_json(book_created()).set_delay(Duration::from_secs(2)))
            .await;
    let client = whats91::Client::from_config(config(server.uri()).timeout(Duration::from_millis(300))).unwrap();
    let err = client.create_contact_book(&book_request()).await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert!(t.is_timeout(), "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(t.status, None);
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(request_count(&server).await, 1, "a POST without idempotency key is not resent after a timeout");
}

#[tokio::test]
async fn timeouts_of_a_retry_safe_request_are_retried() {
    let server = wiremock_answering(
        ResponseTemplate::new(201).set_body_json(contact_created()).set_delay(Duration::from_secs(2)),
    )
    .await;
    let config =
        config(format!("{}/v1", server.uri())).timeout(Duration::from_millis(300)).retry(fast_retry().max_retries(1));
    let err = kirim::Client::from_config(config).unwrap().create_contact("1", &contact_request()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(request_count(&server).await, 2, "the first attempt and one retry");
}

/// Sends a status line, headers promising 4096 bytes, part of the body, then closes.
async fn close_mid_body(status_line: &'static str) -> (String, JoinHandle<()>) {
    one_connection(move |mut stream| async move {
        let head = format!("HTTP/1.1 {status_line}\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(br#"{"success":true,"data":{"contactBook":{"contactBookUid":"grp"#).await.unwrap();
        stream.flush().await.unwrap();
        drop(stream);
    })
    .await
}

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error_with_the_status() {
    let (base, server) = close_mid_body("200 OK").await;
    let err = whats91_at(base).create_contact_book(&book_request()).await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.status, Some(200));
    assert!(!t.is_timeout() && !t.is_connect(), "{err:?}");
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("broke off"), "{err}");
    server.await.unwrap();

    let (base, server) = close_mid_body("201 Created").await;
    let err = kirim_at(base).create_contact("1", &contact_request()).await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert_eq!(t.status, Some(201));
    server.await.unwrap();
}

#[tokio::test]
async fn rate_limited_then_success_is_retried_to_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(
            json!({"error": {"type": "rate_limit", "code": "rate_limited", "message": "slow down"}, "request_id": "r"}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(contact_created()))
        .with_priority(2)
        .mount(&server)
        .await;
    let start = Instant::now();
    let res = kirim_at(server.uri()).create_contact("1", &contact_request()).await.unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(res.body.data.id, "ctc_1");
    assert_eq!(request_count(&server).await, 2);
    let waited = start.elapsed();
    assert!(waited >= Duration::from_secs(1), "the retry did not wait for Retry-After: {waited:?}");
}

// ---------------------------------------------------------------------------------------------
// 9: response size limits

#[tokio::test]
async fn fifty_mib_chunked_body_stops_at_the_limit() {
    assert_big_body_is_cut(Framing::Chunked).await;
}

#[tokio::test]
async fn fifty_mib_close_delimited_body_stops_at_the_limit() {
    assert_big_body_is_cut(Framing::CloseDelimited).await;
}

#[tokio::test]
async fn fifty_mib_content_length_is_refused_before_reading() {
    assert_big_body_is_cut(Framing::ContentLength).await;
}

#[tokio::test]
async fn configured_response_limit_is_applied() {
    let mut body = book_created();
    body["padding"] = json!("x".repeat(2048));
    let server = wiremock_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let client = whats91::Client::from_config(config(server.uri()).max_response_bytes(1024)).unwrap();
    let err = client.create_contact_book(&book_request()).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { status: 200, limit: 1024 }), "{err:?}");
    assert_eq!(err.raw_body(), None, "nothing of an oversized body is kept");
}

// ---------------------------------------------------------------------------------------------
// What a person reads: `Display`, `Debug` (what `fn main() -> Result<…>` prints) and the chain

#[tokio::test]
async fn a_decode_error_names_the_field_and_shows_the_body_as_text() {
    let mut answer = book_created();
    answer["data"]["contactBook"]["description"] = json!("d".repeat(1200));
    answer["data"]["contactBook"]["contactCount"] = json!("twelve");
    let body = serde_json::to_string(&answer).unwrap();
    let column = body.find("\"twelve\"").unwrap() + "\"twelve\"".len();
    let sent = body.clone();
    let (base, server) = one_connection(move |mut stream| async move {
        let head =
            format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", sent.len());
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(sent.as_bytes()).await.unwrap();
    })
    .await;
    let err = whats91_at(base).create_contact_book(&book_request()).await.unwrap_err();
    server.await.unwrap();
    let message = format!(
        "the body does not match the documented schema at `data.contactBook.contactCount`: \
         invalid type: string \"twelve\", expected i64 (line 1, column {column})"
    );
    assert_eq!(body.len(), 1440);
    let quoted = |limit: usize| format!("{:?}… (1,440 bytes)", &body[..limit]);
    assert_eq!(
        err.to_string(),
        format!("HTTP 201, content type application/json: {message}; body {} [request id request-uuid]", quoted(200))
    );
    assert_eq!(
        format!("{err:?}"),
        format!(
            "Decode(DecodeError {{ status: 201, headers: {{\"content-type\": \"application/json\", \"content-length\": \"{}\"}}, \
             content_type: Some(\"application/json\"), message: {message:?}, body: {} }})",
            body.len(),
            quoted(1000)
        )
    );
}

#[tokio::test]
async fn a_transport_error_chain_names_each_cause_once() {
    // A port nothing listens on: the connection is refused.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = whats91::Client::from_config(config(base).retry(RetryPolicy::none())).unwrap();
    let err = client.create_contact_book(&book_request()).await.unwrap_err();
    let mut chain = vec![err.to_string()];
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        chain.push(c.to_string());
        cause = c.source();
    }
    assert_eq!(chain[0], "no response: error sending request");
    assert!(chain.len() > 1, "the causes below reqwest's are kept: {chain:?}");
    for (i, outer) in chain.iter().enumerate() {
        for inner in &chain[i + 1..] {
            assert!(!outer.contains(inner.as_str()), "`{inner}` is printed twice in {chain:?}");
        }
    }
}
