//! The generator's build-script use: `tests/build.rs` calls `oas_client_gen::generate_into_out_dir`
//! for `spec/kirim.yaml`, and the client it writes is compiled here as one module and called on
//! loopback, as a crate that prefers generating at build time would use it.

// A test binary uses only part of the client (a library would export all of it).
#[allow(dead_code)]
mod kirim_at_build_time {
    include!(concat!(env!("OUT_DIR"), "/kirim_client.rs"));
}

use kirim_at_build_time::{types, Client};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_client_generated_into_out_dir_compiles_and_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/106540352242922/contacts"))
        .and(header("idempotency-key", "k-1"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "data": {"id": "ctc_1", "object": "contact"}, "request_id": "req_1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::with_base_url(server.uri(), "token").unwrap();
    let contact = types::CreateContactRequest::new("+6281234567890".into());
    let created = client.create_contact("106540352242922", &contact).idempotency_key("k-1").await.unwrap();
    assert_eq!((created.status, created.body.data.id.as_str()), (201, "ctc_1"));
    assert_eq!(created.body.request_id.as_deref(), Some("req_1"));
}
