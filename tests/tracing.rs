//! The runtime's `tracing` feature as a user sees it through a generated client: one span per
//! call with the operation, method, path template, attempt, status, request id and duration, a
//! warning per retry, and never the token or a body.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;
use whatsapp_contacts::kirim;
use whatsapp_contacts::runtime::{Config, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "kirim_TOPSECRET_token";

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_call_is_one_span_with_its_facts_and_retries_are_events() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0").set_body_string("busy"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let body =
        serde_json::json!({"data": {"id": "ctc_1", "object": "contact", "name": "Secret Name"}, "request_id": "req_9"});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(&body).insert_header("x-request-id", "req_9"))
        .with_priority(2)
        .mount(&server)
        .await;

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let retry = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
    let client = kirim::Client::from_config(Config::new(server.uri()).bearer_token(TOKEN).retry(retry)).unwrap();
    let mut request = kirim::types::CreateContactRequest::new("+6281234567890".into());
    request.name = Some("Secret Name".into());
    let created = client.create_contact("106540352242922", &request).await.unwrap();
    assert_eq!(created.status, 201);

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let close = text.lines().find(|l| l.contains("close")).unwrap_or_else(|| panic!("no span closed:\n{text}"));
    for field in [
        "operation=\"createContact\"",
        "method=\"POST\"",
        "path=\"/{phone_number_id}/contacts\"",
        "attempt=1",
        "status=201",
        "request_id=\"req_9\"",
        "duration_ms=",
    ] {
        assert!(close.contains(field), "the span lacks {field}: {close}");
    }
    let retry = text.lines().find(|l| l.contains("retrying")).unwrap_or_else(|| panic!("no retry event:\n{text}"));
    assert!(retry.contains("WARN") && retry.contains("503"), "{retry}");
    assert!(!text.contains(TOKEN) && !text.contains("TOPSECRET"), "the token leaked:\n{text}");
    assert!(!text.contains("Secret Name") && !text.contains("+6281234567890"), "a body leaked:\n{text}");
}
