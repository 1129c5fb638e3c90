//! The generated mock servers (`whatsapp-contacts`' `mock` feature), used the way a user of the
//! crate would in their own tests: typed successes and errors, faults (a timeout, a reset
//! connection, a 429) and retries, the spec's example as the default answer, and refusals of
//! requests the spec would reject.

use oas_client_runtime::{ApiError, Error, Operation as _, RetryPolicy, StatusError};
use serde_json::json;
use std::time::Duration;
use whatsapp_contacts::{kirim, wacr, whats91};

fn kirim_request(email: &str) -> kirim::types::CreateContactRequest {
    serde_json::from_value(json!({"phone_number": "+6281234567890", "email": email})).expect("a request")
}

fn kirim_contact(id: &str) -> kirim::types::CreateContactResponse {
    serde_json::from_value(json!({"data": {"id": id, "object": "contact", "phone_number": "+6281234567890"}}))
        .expect("a response")
}

#[tokio::test]
async fn kirim_typed_success_matches_the_typed_body() {
    let mock = kirim::mock::MockServer::start().await;
    let request = kirim_request("budi@example.com");
    mock.create_contact().path_values(&["pn_1"]).body(&request).ok(&kirim_contact("ctc_1")).times(1).mount().await;
    let created = mock.client().create_contact("pn_1", &request).await.expect("the typed success");
    assert_eq!(created.body.data.id, "ctc_1");
    // Another body does not match the expectation: it gets the spec's example instead.
    let other = mock.client().create_contact("pn_1", &kirim_request("siti@example.com")).await.expect("the example");
    assert_ne!(other.body.data.id, "ctc_1");
}

#[tokio::test]
async fn kirim_typed_error_is_the_documented_variant() {
    let mock = kirim::mock::MockServer::start().await;
    let envelope = json!({"error": {"type": "not_found", "code": "contact_list_not_found", "message": "no such list"}});
    mock.create_contact().json(404, &envelope).mount().await;
    let err = mock.client().create_contact("pn_1", &kirim_request("budi@example.com")).await.expect_err("a 404");
    let Error::Api(ApiError { status: 404, body: kirim::types::CreateContactError::NotFound(_), .. }) = err else {
        panic!("expected the typed 404, got {err:?}");
    };
}

#[tokio::test]
async fn kirim_retries_a_429_with_retry_after_then_succeeds() {
    let mock = kirim::mock::MockServer::start().await;
    mock.create_contact().too_many_requests(0).up_to(2).mount().await;
    let request = kirim_request("budi@example.com");
    let created =
        mock.client().create_contact("pn_1", &request).idempotency_key("key-1").await.expect("the third attempt");
    assert_eq!(created.status, 200);
    assert_eq!(mock.received().await, 3, "two 429s, then the example");
}

#[tokio::test]
async fn kirim_default_answer_is_the_spec_example() {
    let mock = kirim::mock::MockServer::start().await;
    let created = mock.client().create_contact("pn_1", &kirim_request("budi@example.com")).await.expect("the example");
    assert_eq!(created.body.data.id, "ctc_01HXYZABCDEFGHJKMNPQRSTVWX");
}

#[tokio::test]
async fn kirim_refuses_an_email_the_spec_rejects_and_names_the_rule() {
    let mock = kirim::mock::MockServer::start().await;
    // The generated client would not send it; another client (or a hand-built request) would.
    let answer = reqwest::Client::new()
        .post(format!("{}/pn_1/contacts", mock.uri()))
        .header("content-type", "application/json")
        .body(json!({"phone_number": "+6281234567890", "email": "not an email"}).to_string())
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 422);
    let body: serde_json::Value = serde_json::from_slice(&answer.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body["refused"]["operation"], "createContact");
    let refusals = mock.take_refusals();
    assert_eq!(refusals.len(), 1);
    assert!(refusals[0].reasons[0].starts_with("body.email"), "{refusals:?}");
    assert!(refusals[0].reasons[0].contains("format"), "{refusals:?}");
}

#[tokio::test]
async fn kirim_retries_a_reset_connection_when_the_request_carries_an_idempotency_key() {
    let mock = kirim::mock::MockServer::start().await;
    let request = kirim_request("budi@example.com");
    mock.create_contact().reset().up_to(1).mount().await;
    let created = mock
        .client()
        .create_contact("pn_1", &request)
        .idempotency_key("key-1")
        .with_retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .await
        .expect("the retry gets the example");
    assert_eq!(created.body.data.id, "ctc_01HXYZABCDEFGHJKMNPQRSTVWX");
    assert_eq!(mock.received().await, 2, "the reset attempt, then the example");

    mock.create_contact().reset().up_to(1).mount().await;
    let err = mock
        .client()
        .create_contact("pn_1", &request)
        .idempotency_key("key-2")
        .with_retry(RetryPolicy::none())
        .await
        .expect_err("a reset");
    assert!(matches!(&err, Error::Transport(t) if !t.is_timeout()), "{err:?}");
}

/// A POST without an idempotency key may have been carried out before the connection broke, so
/// the client does not send it again: the test sees the transport error, once.
#[tokio::test]
async fn whats91_and_wacr_see_a_reset_as_a_transport_error_not_retried() {
    let mock = whats91::mock::MockServer::start().await;
    let request = whats91::types::CreateContactBookRequest::new("Leads".into());
    mock.create_contact_book().reset().up_to(1).mount().await;
    let err = mock.client().create_contact_book(&request).await.expect_err("a reset");
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert_eq!(mock.received().await, 1);
    let created = mock.client().create_contact_book(&request).await.expect("the next call gets the example");
    assert_eq!(created.status, 200);

    let mock = wacr::mock::MockServer::start().await;
    let contact: wacr::types::CreateContactRequest =
        serde_json::from_value(json!({"firstname": "Budi", "lastname": "Santoso", "phone": "+6281234567890", "type": "lead", "source_id": 1, "status_id": 1}))
            .expect("a request");
    mock.create_contact().reset().up_to(1).mount().await;
    let err = mock.client().create_contact(&contact).await.expect_err("a reset");
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert_eq!(mock.received().await, 1);
    mock.client().create_contact(&contact).await.expect("the next call gets the example");
}

#[tokio::test]
async fn whats91_typed_success_and_typed_error() {
    let mock = whats91::mock::MockServer::start().await;
    let book: whats91::types::CreateContactBookResponse = serde_json::from_value(json!({
        "success": true,
        "data": {"contactBook": {"contactBookUid": "cb_9", "uid": "cb_9", "name": "Leads", "status": "ACTIVE", "contactCount": 0}}
    }))
    .expect("a response");
    let request = whats91::types::CreateContactBookRequest::new("Leads".into());
    mock.create_contact_book().body(&request).ok(&book).mount().await;
    let created = mock.client().create_contact_book(&request).await.expect("the typed success");
    assert_eq!(serde_json::to_value(&created.body).unwrap(), serde_json::to_value(&book).unwrap());

    let forbidden = whats91::types::CreateContactBookRequest::new("Scoped".into());
    let envelope = json!({"success": false, "error": "TOKEN_SCOPE_NOT_ALLOWED"});
    mock.create_contact_book().body(&forbidden).json(403, &envelope).mount().await;
    let err = mock.client().create_contact_book(&forbidden).await.expect_err("a 403");
    assert!(
        matches!(
            err,
            Error::Api(ApiError { status: 403, body: whats91::types::CreateContactBookError::Forbidden(_), .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn whats91_faults_a_timeout_and_an_unretried_429() {
    let mock = whats91::mock::MockServer::start().await;
    let request = whats91::types::CreateContactBookRequest::new("Leads".into());
    mock.create_contact_book().status(200, "{}").delay(Duration::from_secs(2)).up_to(1).mount().await;
    let err = mock
        .client()
        .create_contact_book(&request)
        .with_timeout(Duration::from_millis(100))
        .with_retry(RetryPolicy::none())
        .await
        .expect_err("a timeout");
    assert!(matches!(&err, Error::Transport(t) if t.is_timeout()), "{err:?}");

    // A POST without an idempotency key is not retried: the 429 reaches the caller.
    mock.create_contact_book().too_many_requests(7).times(1).mount().await;
    let err = mock.client().create_contact_book(&request).await.expect_err("a 429");
    let Error::Status(StatusError { status: 429, headers, .. }) = &err else { panic!("expected the 429, got {err:?}") };
    assert_eq!(headers["retry-after"], "7");
}

#[tokio::test]
async fn whats91_default_answer_is_the_spec_example() {
    let mock = whats91::mock::MockServer::start().await;
    let request = whats91::types::CreateContactBookRequest::new("Leads".into());
    let created = mock.client().create_contact_book(&request).await.expect("the example");
    assert_eq!(created.body.message.as_deref(), Some("Contact book created"));
}

#[tokio::test]
async fn whats91_refuses_too_many_contacts_and_panics_on_drop_if_not_taken() {
    let mock = whats91::mock::MockServer::start().await;
    let contacts: Vec<_> = (0..1001).map(|i| json!({"phone": format!("62812{i:07}")})).collect();
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v2/contact-books/cb_9/contacts/bulk", mock.uri()))
        .header("content-type", "application/json")
        .body(json!({"contacts": contacts}).to_string())
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 422);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(mock))).expect_err("a panic");
    let message = panic.downcast_ref::<String>().expect("a message");
    assert!(
        message.contains("bulkUploadContacts /api/v2/contact-books/cb_9/contacts/bulk: body.contacts"),
        "{message}"
    );
    assert!(message.contains("maxItems"), "{message}");
}

// An operation with several documented successes (tests/fixtures/responses.yaml, generated into
// OUT_DIR by tests/build.rs). A test binary uses only part of the client.
#[allow(dead_code)]
mod responses {
    include!(concat!(env!("OUT_DIR"), "/responses_module.rs"));
}

/// `ok` takes a variant of the success enum and answers with that variant's documented status.
#[tokio::test]
async fn ok_answers_each_variant_of_a_success_enum_with_its_status() {
    use responses::{mock::MockServer, types};
    let mock = MockServer::start().await;
    let ticket: types::Ticket = serde_json::from_value(json!({"ticket": "t-1"})).expect("a ticket");
    mock.submit_job().ok(&types::SubmitJobSuccess::Accepted(ticket.clone())).up_to(1).mount().await;
    mock.submit_job().ok(&types::SubmitJobSuccess::NoContent).up_to(1).mount().await;
    let queued = mock.client().submit_job().await.expect("the 202");
    assert_eq!((queued.status, queued.body), (202, types::SubmitJobSuccess::Accepted(ticket)));
    let nothing = mock.client().submit_job().await.expect("the 204");
    assert_eq!((nothing.status, nothing.body), (204, types::SubmitJobSuccess::NoContent));
    // Then the default answer: the spec gives no example, and a 501 says so.
    let err = mock.client().submit_job().await.expect_err("no example");
    assert_eq!(err.status(), Some(501));
    assert!(String::from_utf8_lossy(err.raw_body().unwrap_or_default()).contains("no example for `submitJob`"));
}

/// The README's example, as written there.
#[tokio::test]
async fn readme_example_retries_a_rate_limit_types_an_error_and_retries_a_reset() {
    use whatsapp_contacts::kirim::{mock::MockServer, types};
    let mock = MockServer::start().await;
    mock.create_contact().too_many_requests(0).up_to(2).mount().await;
    let request = types::CreateContactRequest::new("+6281234567890".into());
    let created = mock.client().create_contact("pn_1", &request).idempotency_key("k1").await.unwrap();
    assert_eq!(created.body.data.id, "ctc_01HXYZABCDEFGHJKMNPQRSTVWX");

    let envelope = json!({"error": {"type": "not_found", "code": "not_found", "message": "no such number"}});
    mock.create_contact().path_values(&["pn_2"]).json(404, &envelope).mount().await;
    let err = mock.client().create_contact("pn_2", &request).await.unwrap_err();
    assert!(matches!(err, Error::Api(ApiError { body: types::CreateContactError::NotFound(_), .. })));

    mock.create_contact().reset().up_to(1).mount().await;
    let created = mock.client().create_contact("pn_1", &request).idempotency_key("k2").await.unwrap();
    assert_eq!(created.status, 200);
}

/// A fake that never goes through HTTP builds the errors a real response would give.
#[test]
fn error_constructors_build_what_a_fake_returns() {
    let envelope: kirim::types::ErrorResponse = serde_json::from_value(
        json!({"error": {"type": "rate_limit", "code": "rate_limited", "message": "slow down"}}),
    )
    .expect("an envelope");
    let err: Error<kirim::types::CreateContactError> =
        Error::Api(ApiError::new(429, kirim::types::CreateContactError::TooManyRequests(envelope)).with_raw("{}"));
    assert_eq!(err.status(), Some(429));
    let err: Error<kirim::types::CreateContactError> = Error::Status(StatusError::new(503, "<html>down</html>"));
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.raw_body(), Some(&b"<html>down</html>"[..]));
}

#[tokio::test]
async fn send_from_the_operation_trait_is_what_awaiting_the_builder_does() {
    let mock = kirim::mock::MockServer::start().await;
    let request = kirim_request("budi@example.com");
    mock.create_contact().body(&request).ok(&kirim_contact("ctc_7")).times(2).mount().await;
    let client = mock.client();
    // `send` gives the builder's future to keep (here: past another call); awaiting the builder
    // runs the same one.
    let future = client.create_contact("pn_1", &request).with_header("x-trace", "t-7").send();
    let awaited = client.create_contact("pn_1", &request).await.expect("the typed success");
    let sent = future.await.expect("the typed success");
    assert_eq!(sent.body, awaited.body);
    assert_eq!(sent.body.data.id, "ctc_7");
    // An override that cannot be a header fails the call before anything is sent.
    let refused = client.create_contact("pn_1", &request).with_header("x-bad", "a\r\nb").send().await;
    assert!(matches!(refused, Err(Error::InvalidRequest(_))), "{refused:?}");
}
