//! The generated clients against a wiremock server on 127.0.0.1, operation by operation:
//! what goes on the wire (method, path, auth, content type, exact JSON body), how documented
//! successes and failures are typed, forward compatibility of enums and objects, Kirim's
//! idempotency keys, client-side validation, request safety (path encoding, header injection,
//! secret redaction) and the retry policy.
//!
//! Request and response bodies are the examples of the specs in `spec/` (read at run time with
//! the generator's loader), so the tests follow the contract rather than a copy of it.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use whatsapp_contacts::runtime::{Config, Error, Nullable, RequestError, RetryPolicy};
use whatsapp_contacts::{kirim, wacr, whats91};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The bearer token of every test client; it must never show up in any output.
const TOKEN: &str = "w91_live_TOPSECRET-7f3a9c1e";

// ---------------------------------------------------------------------------------------------
// Spec examples

const W91_CREATE_REQ: &str =
    "/paths/~1api~1v2~1contact-books/post/requestBody/content/application~1json/examples/retailLeads/value";
const W91_BULK_REQ: &str = "/paths/~1api~1v2~1contact-books~1{bookUid}~1contacts~1bulk/post/requestBody/content/application~1json/examples/singleContact/value";
const WACR_REQ: &str = "/paths/~1contacts/post/requestBody/content/application~1json/examples/leadWithGroup/value";
const KIRIM_REQ: &str =
    "/paths/~1{phone_number_id}~1contacts/post/requestBody/content/application~1json/examples/withNullEmail/value";

/// The `example` of the shared response `response` (under `components/responses`).
/// The nested `error.code` of a Whats91 error body (`None` for a string `error`).
fn w91_nested_code(body: &whats91::types::ErrorResponse) -> Option<whats91::types::ErrorCode> {
    match &body.error {
        Some(whats91::types::ErrorDetailOrText::ErrorDetail(e)) => e.code.clone(),
        _ => None,
    }
}

fn response_example(spec: &str, response: &str, example: &str) -> Value {
    spec_value(spec, &format!("/components/responses/{response}/content/application~1json/examples/{example}/value"))
}

fn spec_value(spec: &str, pointer: &str) -> Value {
    let file = contract_tests::workspace().join("spec").join(spec);
    let doc = oas_client_gen::Document::load(&file).unwrap_or_else(|e| panic!("{e}"));
    doc.value().pointer(pointer).cloned().unwrap_or_else(|| panic!("{spec}: no example at {pointer}"))
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Clients

fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .max_retry_after(Duration::from_secs(3))
}

fn config(base_url: String, retry: RetryPolicy) -> Config {
    Config::new(base_url)
        .bearer_token(TOKEN)
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(2))
        .retry(retry)
}

fn whats91_client(server: &MockServer) -> whats91::Client {
    whats91::Client::from_config(config(server.uri(), fast_retry())).unwrap()
}

fn wacr_client(server: &MockServer) -> wacr::Client {
    wacr::Client::from_config(config(format!("{}/api/v2", server.uri()), fast_retry())).unwrap()
}

fn kirim_client_with(server: &MockServer, retry: RetryPolicy) -> kirim::Client {
    kirim::Client::from_config(config(format!("{}/v1", server.uri()), retry)).unwrap()
}

fn kirim_client(server: &MockServer) -> kirim::Client {
    kirim_client_with(server, fast_retry())
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

// ---------------------------------------------------------------------------------------------
// Typed requests equal to the spec's request examples

fn w91_create_request() -> whats91::types::CreateContactBookRequest {
    let mut req = whats91::types::CreateContactBookRequest::new("Retail Leads".into());
    req.description = Some("Retail campaign contacts".into());
    req.color = Some("#0f62fe".into());
    req
}

fn w91_bulk_request() -> whats91::types::BulkUploadContactsRequest {
    let mut contact = whats91::types::BulkContactInput::new("7000782082".into());
    contact.display_name = Some("Asha Rao".into());
    contact.first_name = Some("Asha".into());
    contact.last_name = Some("Rao".into());
    contact.email = Some("asha@example.com".into());
    contact.company_name = Some("Acme".into());
    contact.custom_fields = Some(BTreeMap::from([("city".to_string(), json!("Mumbai"))]));
    let mut req = whats91::types::BulkUploadContactsRequest::new(vec![contact]);
    req.default_country_code = Some("91".into());
    req
}

fn wacr_request() -> wacr::types::CreateContactRequest {
    let mut req = wacr::types::CreateContactRequest::new(wacr::types::CreateContactRequestRequired {
        firstname: "New".into(),
        lastname: "Test".into(),
        phone: "+919587422363".into(),
        r#type: wacr::types::ContactType::Lead,
        source_id: 115,
        status_id: 287,
    });
    req.email = Some("test12@gmail.com".into());
    req.description = Some("Test one contact".into());
    req.country_id = Some(101);
    req.assigned_id = Some(15);
    req.groups = Some(vec![12]);
    req.zip = Some("360001".into());
    req.city = Some("Rajkot".into());
    req
}

fn kirim_request() -> kirim::types::CreateContactRequest {
    let mut req = kirim::types::CreateContactRequest::new("+6281234567890".into());
    req.name = Some("Budi Santoso".into());
    // Present and null, as in the spec example (distinct from leaving the field out).
    req.email = Nullable::Null;
    req.metadata = Some(BTreeMap::from([("segment".to_string(), json!("vip"))]));
    req
}

/// Checks the accessors every documented (`Api`) error offers.
fn assert_api_accessors<E: Debug>(err: &Error<E>, status: u16, code: &str, request_id: &str, raw: &[u8]) {
    assert!(matches!(err, Error::Api(_)), "expected Error::Api, got {err:?}");
    assert_eq!(err.status(), Some(status));
    assert_eq!(err.error_code().as_deref(), Some(code));
    assert_eq!(err.request_id().as_deref(), Some(request_id));
    assert_eq!(err.raw_body(), Some(raw));
    assert!(err.api().is_some());
}

// ---------------------------------------------------------------------------------------------
// Whats91 createContactBook

#[tokio::test]
async fn whats91_create_contact_book_sends_spec_request_and_parses_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(spec_value("whats91.yaml", W91_CREATE_REQ)))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(response_example("whats91.yaml", "ContactBookCreated", "created"))
                .insert_header("x-request-id", "hdr-req-1"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let res = whats91_client(&server).create_contact_book(&w91_create_request()).await.unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(res.headers.get("x-request-id").unwrap(), "hdr-req-1");
    assert_eq!(res.request_id(), Some("hdr-req-1"));
    let body = res.body;
    assert!(body.success);
    assert_eq!(body.message.as_deref(), Some("Contact book created"));
    let book = &body.data.contact_book;
    assert_eq!(book.contact_book_uid, "grp_abc");
    assert_eq!(book.uid.as_deref(), Some("grp_abc"));
    assert_eq!(book.name, "Retail Leads");
    assert_eq!(book.description, Nullable::Value("Retail campaign contacts".into()));
    assert_eq!(book.color, Nullable::Value("#0f62fe".into()));
    assert_eq!(book.status.as_deref(), Some("ACTIVE"));
    assert_eq!(book.contact_count, Some(0));
    let meta = body.metadata.as_ref().unwrap();
    assert_eq!(meta.api_version.as_deref(), Some("v2"));
    assert_eq!(meta.request_id.as_deref(), Some("request-uuid"));
}

#[test]
fn whats91_responses_compare_with_assert_eq() {
    let example = response_example("whats91.yaml", "ContactBookCreated", "created");
    let decode = |v: &Value| serde_json::from_value::<whats91::types::CreateContactBookResponse>(v.clone()).unwrap();
    let (a, mut b) = (decode(&example), decode(&example));
    assert_eq!(a, b);
    b.data.contact_book.name.push('!');
    assert_ne!(a, b, "a field that differs makes the values differ");
    let mut more = example.clone();
    more["surprise"] = json!(1);
    assert_ne!(a, decode(&more), "so does a property the spec does not declare");
}

#[tokio::test]
async fn whats91_create_contact_book_accepts_200_as_well_as_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_example(
            "whats91.yaml",
            "ContactBookCreated",
            "created",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let res = whats91_client(&server).create_contact_book(&w91_create_request()).await.unwrap();
    assert_eq!(res.status, 200);
    assert_eq!(res.body.data.contact_book.contact_book_uid, "grp_abc");
    assert_eq!(res.request_id(), None, "no x-request-id header was sent");
}

#[tokio::test]
async fn whats91_create_contact_book_maps_every_documented_error() {
    use whats91::types::{CreateContactBookError as E, ErrorCode, ErrorResponse};
    type Pick = fn(&E) -> Option<&ErrorResponse>;
    /// Status, shared response, example, the code in it, the variant, the x-request-id header.
    type Case = (u16, &'static str, &'static str, ErrorCode, Pick, Option<&'static str>);
    let cases: [Case; 4] = [
        (
            400,
            "ValidationFailed",
            "tooManyContacts",
            ErrorCode::ValidationFailed,
            |e| match e {
                E::BadRequest(b) => Some(b),
                _ => None,
            },
            None,
        ),
        (
            401,
            "Unauthorized",
            "missingToken",
            ErrorCode::MissingAuthToken,
            |e| match e {
                E::Unauthorized(b) => Some(b),
                _ => None,
            },
            None,
        ),
        // These two examples carry no metadata: the request id comes from the header.
        (
            403,
            "Forbidden",
            "numberScopedToken",
            ErrorCode::TokenScopeNotAllowed,
            |e| match e {
                E::Forbidden(b) => Some(b),
                _ => None,
            },
            Some("hdr-403"),
        ),
        (
            415,
            "UnsupportedContentType",
            "notJson",
            ErrorCode::UnsupportedContentType,
            |e| match e {
                E::UnsupportedMediaType(b) => Some(b),
                _ => None,
            },
            Some("hdr-415"),
        ),
    ];
    for (status, response, example, code, pick, header_id) in cases {
        let server = MockServer::start().await;
        let body = response_example("whats91.yaml", response, example);
        let mut template = ResponseTemplate::new(status).set_body_json(body.clone());
        if let Some(id) = header_id {
            template = template.insert_header("x-request-id", id);
        }
        Mock::given(method("POST")).respond_with(template).mount(&server).await;

        let err = whats91_client(&server).create_contact_book(&w91_create_request()).await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{status}: expected Error::Api, got {err:?}") };
        assert_eq!(api.status, status);
        let parsed = pick(&api.body).unwrap_or_else(|| panic!("{status}: wrong variant {:?}", api.body));
        assert_eq!(w91_nested_code(parsed), Some(code.clone()));
        assert_api_accessors(&err, status, code.as_str(), header_id.unwrap_or("request-uuid"), &bytes(&body));
        assert_eq!(received(&server).await.len(), 1, "{status} is not retried");
    }
}

// ---------------------------------------------------------------------------------------------
// Whats91 bulkUploadContacts

#[tokio::test]
async fn whats91_bulk_upload_sends_spec_request_and_parses_success() {
    use whats91::types::BulkUploadRowStatus;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books/grp_abc/contacts/bulk"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(spec_value("whats91.yaml", W91_BULK_REQ)))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(response_example("whats91.yaml", "ContactsUploaded", "mixedOutcome"))
                .insert_header("x-request-id", "bulk-1"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let res = whats91_client(&server).bulk_upload_contacts("grp_abc", &w91_bulk_request()).await.unwrap();
    assert_eq!(res.status, 200);
    assert_eq!(res.request_id(), Some("bulk-1"));
    let data = &res.body.data;
    assert!(res.body.success);
    assert!(res.body.metadata.is_none(), "the example has no metadata");
    assert_eq!(data.contact_book.contact_book_uid, "grp_abc");
    assert_eq!(data.contact_book.name, "Retail Leads");
    let s = data.summary.as_ref().unwrap();
    assert_eq!((s.total, s.created, s.updated, s.skipped, s.invalid), (Some(3), Some(1), Some(1), Some(1), Some(0)));
    let results = data.results.as_ref().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].row, Some(1));
    assert_eq!(results[0].status, Some(BulkUploadRowStatus::Updated));
    assert_eq!(results[0].contact.as_ref().unwrap().contact_uid.as_deref(), Some("ct_existing"));
    assert_eq!(results[1].status, Some(BulkUploadRowStatus::Created));
    assert_eq!(results[1].contact.as_ref().unwrap().phone.as_deref(), Some("917999999999"));
    let skipped = &results[2];
    assert_eq!(skipped.status, Some(BulkUploadRowStatus::Skipped));
    assert_eq!(skipped.reason.as_deref(), Some("DUPLICATE_IN_REQUEST"));
    assert_eq!(skipped.phone.as_deref(), Some("917999999999"));
    assert!(skipped.contact.is_none());
}

#[tokio::test]
async fn whats91_bulk_upload_maps_every_documented_error() {
    use whats91::types::{BulkUploadContactsError as E, ErrorCode, ErrorResponse};
    type Pick = fn(&E) -> Option<&ErrorResponse>;
    let feature_not_available = json!({
        "success": false,
        "message": "Feature not available",
        "error": {"code": "FEATURE_NOT_AVAILABLE", "message": "Contacts are not in your plan"},
        "metadata": {"apiVersion": "v2", "requestId": "req-403"}
    });
    /// Status, body, the code in it, the variant, the x-request-id header, the expected request id.
    type Case = (u16, Value, ErrorCode, Pick, Option<&'static str>, &'static str);
    let cases: [Case; 5] = [
        (
            400,
            response_example("whats91.yaml", "ValidationFailed", "tooManyContacts"),
            ErrorCode::ValidationFailed,
            |e| match e {
                E::BadRequest(b) => Some(b),
                _ => None,
            },
            None,
            "request-uuid",
        ),
        (
            401,
            response_example("whats91.yaml", "Unauthorized", "missingToken"),
            ErrorCode::MissingAuthToken,
            |e| match e {
                E::Unauthorized(b) => Some(b),
                _ => None,
            },
            None,
            "request-uuid",
        ),
        (
            403,
            feature_not_available,
            ErrorCode::FeatureNotAvailable,
            |e| match e {
                E::Forbidden(b) => Some(b),
                _ => None,
            },
            None,
            "req-403",
        ),
        (
            404,
            response_example("whats91.yaml", "ContactBookNotFound", "unknownBook"),
            ErrorCode::ContactBookNotFound,
            |e| match e {
                E::NotFound(b) => Some(b),
                _ => None,
            },
            None,
            "request-uuid",
        ),
        // The header wins over the body's fields.
        (
            415,
            response_example("whats91.yaml", "UnsupportedContentType", "notJson"),
            ErrorCode::UnsupportedContentType,
            |e| match e {
                E::UnsupportedMediaType(b) => Some(b),
                _ => None,
            },
            Some("hdr-415"),
            "hdr-415",
        ),
    ];
    for (status, body, code, pick, header_id, request_id) in cases {
        let server = MockServer::start().await;
        let mut template = ResponseTemplate::new(status).set_body_json(body.clone());
        if let Some(id) = header_id {
            template = template.insert_header("x-request-id", id);
        }
        Mock::given(method("POST"))
            .and(path("/api/v2/contact-books/grp_missing/contacts/bulk"))
            .respond_with(template)
            .mount(&server)
            .await;

        let err = whats91_client(&server).bulk_upload_contacts("grp_missing", &w91_bulk_request()).await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{status}: expected Error::Api, got {err:?}") };
        let parsed = pick(&api.body).unwrap_or_else(|| panic!("{status}: wrong variant {:?}", api.body));
        assert_eq!(w91_nested_code(parsed), Some(code.clone()));
        assert_api_accessors(&err, status, code.as_str(), request_id, &bytes(&body));
    }
}

// ---------------------------------------------------------------------------------------------
// WA.cr createContact

#[tokio::test]
async fn wacr_create_contact_sends_spec_request_and_parses_success() {
    use wacr::types::{ContactResourceType, ResourceId};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contacts"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(spec_value("wacr.yaml", WACR_REQ)))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(response_example("wacr.yaml", "ContactCreated", "created"))
                .insert_header("x-request-id", "wacr-1"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let res = wacr_client(&server).create_contact(&wacr_request()).await.unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(res.request_id(), Some("wacr-1"));
    let body = res.body;
    assert_eq!(body.success, Some(true));
    assert_eq!(body.message.as_deref(), Some("Contact created successfully"));
    let c = body.data.as_ref().unwrap();
    assert!(matches!(c.id, Some(ResourceId::Integer(5012))), "{:?}", c.id);
    assert_eq!(c.r#type, Some(ContactResourceType::Lead));
    assert_eq!(c.phone.as_deref(), Some("+919587422363"));
    assert_eq!(c.email, Nullable::Value("test12@gmail.com".into()));
    assert_eq!(c.company, Nullable::Null, "present and null stays distinct from absent");
    assert_eq!(c.country_id, Nullable::Value(101));
    let groups = c.groups.value().unwrap();
    assert_eq!(groups.len(), 1);
    assert!(matches!(groups[0].id, Some(ResourceId::Integer(12))), "{:?}", groups[0].id);
    assert_eq!(groups[0].name.as_deref(), Some("Newsletter"));
}

#[tokio::test]
async fn wacr_create_contact_maps_every_documented_error() {
    use wacr::types::{
        CreateContactError as E, ErrorCode, ErrorDetailOrText, FeatureLimitErrorDetailOrText,
        ValidationErrorDetailOrText,
    };

    // 403 FEATURE_LIMIT_EXCEEDED, with its required details.
    let server = MockServer::start().await;
    let body = response_example("wacr.yaml", "FeatureLimitExceeded", "contactQuotaReached");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403).set_body_json(body.clone()).insert_header("x-request-id", "w-403"))
        .mount(&server)
        .await;
    let err = wacr_client(&server).create_contact(&wacr_request()).await.unwrap_err();
    match err.api() {
        Some(E::Forbidden(b)) => {
            let Some(FeatureLimitErrorDetailOrText::FeatureLimitErrorDetail(error)) = &b.error else {
                panic!("expected a nested error object, got {:?}", b.error)
            };
            assert_eq!(error.code, Some(ErrorCode::FeatureLimitExceeded));
            let details = error.details.as_ref().unwrap();
            assert_eq!(details.feature.as_deref(), Some("contacts"));
            assert_eq!((details.current, details.maximum), (Some(1000), Some(1000)));
        }
        other => panic!("expected Forbidden, got {other:?} from {err:?}"),
    }
    assert_api_accessors(&err, 403, "FEATURE_LIMIT_EXCEEDED", "w-403", &bytes(&body));

    // 422 VALIDATION_ERROR, with free-form per-field details.
    let server = MockServer::start().await;
    let body = response_example("wacr.yaml", "ValidationError", "duplicatePhone");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(body.clone()).insert_header("x-request-id", "w-422"))
        .mount(&server)
        .await;
    let err = wacr_client(&server).create_contact(&wacr_request()).await.unwrap_err();
    match err.api() {
        Some(E::UnprocessableEntity(b)) => {
            let Some(ValidationErrorDetailOrText::ValidationErrorDetail(error)) = &b.error else {
                panic!("expected a nested error object, got {:?}", b.error)
            };
            assert_eq!(error.code, Some(ErrorCode::ValidationError));
            let details = error.details.as_ref().unwrap();
            assert_eq!(details["phone"], json!(["This phone number already exists"]));
        }
        other => panic!("expected UnprocessableEntity, got {other:?}"),
    }
    assert_api_accessors(&err, 422, "VALIDATION_ERROR", "w-422", &bytes(&body));

    // 500 INTERNAL_ERROR.
    let server = MockServer::start().await;
    let body = response_example("wacr.yaml", "InternalError", "createFailed");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(body.clone()).insert_header("x-request-id", "w-500"))
        .mount(&server)
        .await;
    let err = wacr_client(&server).create_contact(&wacr_request()).await.unwrap_err();
    match err.api() {
        Some(E::InternalServerError(b)) => {
            let Some(ErrorDetailOrText::ErrorDetail(error)) = &b.error else {
                panic!("expected a nested error object, got {:?}", b.error)
            };
            assert_eq!(error.code, Some(ErrorCode::InternalError))
        }
        other => panic!("expected InternalServerError, got {other:?}"),
    }
    assert_api_accessors(&err, 500, "INTERNAL_ERROR", "w-500", &bytes(&body));
    assert_eq!(received(&server).await.len(), 1, "a POST without idempotency key is not retried");
}

#[tokio::test]
async fn wacr_undocumented_status_is_unexpected_status() {
    let server = MockServer::start().await;
    let body = json!({"message": "Unauthenticated."});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body.clone()).insert_header("x-request-id", "w-401"))
        .mount(&server)
        .await;
    let err = wacr_client(&server).create_contact(&wacr_request()).await.unwrap_err();
    let Error::Status(raw) = &err else { panic!("expected UnexpectedStatus, got {err:?}") };
    assert_eq!(raw.status, 401);
    assert_eq!(raw.body, bytes(&body));
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.request_id().as_deref(), Some("w-401"));
    assert_eq!(err.error_code(), None);
}

// ---------------------------------------------------------------------------------------------
// Kirim createContact

#[tokio::test]
async fn kirim_create_contact_sends_spec_request_and_parses_success() {
    let key = "5f1c8e7a-2b0d-4c47-9a39-0d6f3f2b8c11";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/106540352242922/contacts"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(header("idempotency-key", key))
        .and(body_json(spec_value("kirim.yaml", KIRIM_REQ)))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(response_example("kirim.yaml", "ContactCreated", "created"))
                .insert_header("x-request-id", "kirim-hdr"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let res =
        kirim_client(&server).create_contact("106540352242922", &kirim_request()).idempotency_key(key).await.unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(res.request_id(), Some("kirim-hdr"));
    let body = res.body;
    assert_eq!(body.request_id.as_deref(), Some("req_01HXYZABCDEFGHJKMNPQRSTVWX"));
    let c = &body.data;
    assert_eq!(c.id, "ctc_01HXYZABCDEFGHJKMNPQRSTVWX");
    assert_eq!(c.object, "contact");
    assert_eq!(c.phone_number, Nullable::Value("+6281234567890".into()));
    assert_eq!(c.name, Nullable::Value("Budi Santoso".into()));
    assert_eq!(c.email, Nullable::Null, "present and null");
    assert_eq!(c.metadata.value().unwrap()["segment"], json!("vip"));
    assert_eq!(
        c.whatsapp_account.as_ref().unwrap().phone_number,
        Some("+6281100000000".into()),
        "the account's number"
    );
    assert_eq!(c.created_at.as_deref(), Some("2025-01-15T08:30:00Z"));
}

#[tokio::test]
async fn kirim_create_contact_maps_every_documented_error() {
    use kirim::types::{CreateContactError as E, ErrorResponse};
    type Pick = fn(&E) -> Option<&ErrorResponse>;
    fn envelope(code: &str, request_id: &str) -> Value {
        json!({"error": {"type": "invalid_request_error", "code": code, "message": "m"}, "request_id": request_id})
    }
    // Only the 400 response has an example in the spec; the others are illustrative.
    let cases: [(u16, Value, &str, &str, Pick); 6] = [
        (
            400,
            response_example("kirim.yaml", "ValidationFailure", "invalidPhoneNumber"),
            "invalid_phone_number",
            "req_01HXYZABCDEFGHJKMNPQRSTVWX",
            |e| match e {
                E::BadRequest(b) => Some(b),
                _ => None,
            },
        ),
        (401, envelope("invalid_api_key", "req_401"), "invalid_api_key", "req_401", |e| match e {
            E::Unauthorized(b) => Some(b),
            _ => None,
        }),
        (404, envelope("resource_missing", "req_404"), "resource_missing", "req_404", |e| match e {
            E::NotFound(b) => Some(b),
            _ => None,
        }),
        (422, envelope("idempotency_key_reused", "req_422"), "idempotency_key_reused", "req_422", |e| match e {
            E::UnprocessableEntity(b) => Some(b),
            _ => None,
        }),
        (429, envelope("rate_limited", "req_429"), "rate_limited", "req_429", |e| match e {
            E::TooManyRequests(b) => Some(b),
            _ => None,
        }),
        (500, envelope("internal_error", "req_500"), "internal_error", "req_500", |e| match e {
            E::InternalServerError(b) => Some(b),
            _ => None,
        }),
    ];
    for (status, body, code, request_id, pick) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/106540352242922/contacts"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        // No retries, so that 429 is returned rather than retried.
        let client = kirim_client_with(&server, RetryPolicy::none());
        let err = client.create_contact("106540352242922", &kirim_request()).await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{status}: expected Error::Api, got {err:?}") };
        let parsed = pick(&api.body).unwrap_or_else(|| panic!("{status}: wrong variant {:?}", api.body));
        assert_eq!(parsed.error.code, code);
        let top = parsed.request_id.as_deref().or(parsed.error.request_id.as_deref());
        assert_eq!(top, Some(request_id));
        assert_api_accessors(&err, status, code, request_id, &bytes(&body));
    }
}

// ---------------------------------------------------------------------------------------------
// Forward compatibility

#[tokio::test]
async fn whats91_unknown_row_status_and_unknown_fields_parse_and_round_trip() {
    use whats91::types::{BulkUploadContactsResponse, BulkUploadRowStatus};
    let mut body = response_example("whats91.yaml", "ContactsUploaded", "mixedOutcome");
    body["data"]["results"][2]["status"] = json!("MERGED");
    body["data"]["results"][2]["mergedInto"] = json!("ct_existing");
    body["data"]["contactBook"]["owner"] = json!({"id": 7, "tags": ["a", null]});
    body["data"]["summary"]["merged"] = json!(1);
    body["traceparent"] = json!("00-abc-01");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(body.clone()))
        .mount(&server)
        .await;

    let res = whats91_client(&server).bulk_upload_contacts("grp_abc", &w91_bulk_request()).await.unwrap();
    let parsed: &BulkUploadContactsResponse = &res.body;
    let row = &parsed.data.results.as_ref().unwrap()[2];
    let status = row.status.as_ref().unwrap();
    assert_eq!(status, &BulkUploadRowStatus::Unknown("MERGED".into()));
    assert!(!status.is_known());
    assert_eq!(status.as_str(), "MERGED");
    assert_eq!(row.extra["mergedInto"], json!("ct_existing"));
    assert_eq!(parsed.data.contact_book.extra["owner"], json!({"id": 7, "tags": ["a", null]}));
    assert_eq!(parsed.data.summary.as_ref().unwrap().extra["merged"], json!(1));
    assert_eq!(parsed.extra["traceparent"], json!("00-abc-01"));
    // Serialized back, nothing is lost or changed.
    assert_eq!(serde_json::to_value(&row.status).unwrap(), json!("MERGED"));
    assert_eq!(serde_json::to_value(parsed).unwrap(), body);
}

#[tokio::test]
async fn unknown_error_codes_parse_as_unknown_and_round_trip() {
    // Whats91: a code the spec does not list, on a documented status.
    let server = MockServer::start().await;
    let body = json!({
        "success": false,
        "error": {"code": "QUOTA_PAUSED", "message": "new", "hint": "wait"},
        "metadata": {"requestId": "r-new", "region": "in-1"}
    });
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let err = whats91_client(&server).create_contact_book(&w91_create_request()).await.unwrap_err();
    let Some(whats91::types::CreateContactBookError::BadRequest(parsed)) = err.api() else {
        panic!("expected BadRequest, got {err:?}")
    };
    let Some(whats91::types::ErrorDetailOrText::ErrorDetail(error)) = &parsed.error else {
        panic!("expected a nested error object, got {:?}", parsed.error)
    };
    assert_eq!(error.code, Some(whats91::types::ErrorCode::Unknown("QUOTA_PAUSED".into())));
    assert!(!error.code.as_ref().unwrap().is_known());
    assert_eq!(error.extra["hint"], json!("wait"));
    assert_eq!(serde_json::to_value(parsed).unwrap(), body);
    assert_eq!(err.error_code().as_deref(), Some("QUOTA_PAUSED"));
    assert_eq!(err.request_id().as_deref(), Some("r-new"));

    // WA.cr: an unknown code in the 422 envelope, and an unknown contact type in a success.
    let server = MockServer::start().await;
    let body = json!({"error": {"code": "PHONE_BLOCKED", "details": {"phone": ["blocked"]}}});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let err = wacr_client(&server).create_contact(&wacr_request()).await.unwrap_err();
    let Some(wacr::types::CreateContactError::UnprocessableEntity(parsed)) = err.api() else {
        panic!("expected UnprocessableEntity, got {err:?}")
    };
    let Some(wacr::types::ValidationErrorDetailOrText::ValidationErrorDetail(error)) = &parsed.error else {
        panic!("expected a nested error object, got {:?}", parsed.error)
    };
    assert_eq!(error.code, Some(wacr::types::ErrorCode::Unknown("PHONE_BLOCKED".into())));
    assert_eq!(serde_json::to_value(parsed).unwrap(), body);

    let server = MockServer::start().await;
    let mut created = response_example("wacr.yaml", "ContactCreated", "created");
    created["data"]["type"] = json!("partner");
    created["data"]["score"] = json!(0.5);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created.clone()))
        .mount(&server)
        .await;
    let res = wacr_client(&server).create_contact(&wacr_request()).await.unwrap();
    let data = res.body.data.as_ref().unwrap();
    assert_eq!(data.r#type, Some(wacr::types::ContactResourceType::Unknown("partner".into())));
    assert_eq!(data.extra["score"], json!(0.5));
    assert_eq!(serde_json::to_value(&res.body).unwrap(), created);
}

#[tokio::test]
async fn kirim_unknown_fields_survive_a_round_trip() {
    let mut body = response_example("kirim.yaml", "ContactCreated", "created");
    body["data"]["labels"] = json!(["x"]);
    body["data"]["whatsapp_account"]["display_name"] = json!("Shop");
    body["livemode"] = json!(false);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let res = kirim_client(&server).create_contact("1", &kirim_request()).await.unwrap();
    assert_eq!(res.body.extra["livemode"], json!(false));
    assert_eq!(res.body.data.whatsapp_account.as_ref().unwrap().extra["display_name"], json!("Shop"));
    assert_eq!(serde_json::to_value(&res.body).unwrap(), body);
}

// ---------------------------------------------------------------------------------------------
// Kirim idempotency keys

fn idempotency_keys(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            let all: Vec<_> = r.headers.get_all("idempotency-key").iter().collect();
            assert_eq!(all.len(), 1, "exactly one Idempotency-Key header");
            all[0].to_str().unwrap().to_string()
        })
        .collect()
}

fn kirim_created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(response_example("kirim.yaml", "ContactCreated", "created"))
}

#[tokio::test]
async fn kirim_caller_idempotency_key_is_sent_verbatim() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(kirim_created()).mount(&server).await;
    let client = kirim_client(&server);
    let keys = ["order-42:attempt#1 (manual)", "5f1c8e7a-2b0d-4c47-9a39-0d6f3f2b8c11"];
    for key in keys {
        client.create_contact("106540352242922", &kirim_request()).idempotency_key(key).await.unwrap();
    }
    assert_eq!(idempotency_keys(&received(&server).await), keys);
}

#[tokio::test]
async fn kirim_generated_idempotency_keys_are_non_empty_and_fresh_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(kirim_created()).mount(&server).await;
    let client = kirim_client(&server);
    client.create_contact("106540352242922", &kirim_request()).await.unwrap();
    client.create_contact("106540352242922", &kirim_request()).await.unwrap();
    let keys = idempotency_keys(&received(&server).await);
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| !k.trim().is_empty()), "{keys:?}");
    assert_ne!(keys[0], keys[1]);
}

#[tokio::test]
async fn kirim_idempotency_key_is_identical_across_retries() {
    for given in [None, Some("caller-key-1")] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(
                json!({"error": {"type": "rate_limit", "code": "rate_limited", "message": "slow"}, "request_id": "r"}),
            ))
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST")).respond_with(kirim_created()).with_priority(2).mount(&server).await;

        let client = kirim_client(&server);
        let request = kirim_request();
        let mut call = client.create_contact("106540352242922", &request);
        if let Some(key) = given {
            call = call.idempotency_key(key);
        }
        let res = call.await.unwrap();
        assert_eq!(res.status, 201);
        let requests = received(&server).await;
        assert_eq!(requests.len(), 3, "two 429s, then the success");
        let keys = idempotency_keys(&requests);
        assert!(!keys[0].is_empty());
        assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
        if let Some(given) = given {
            assert_eq!(keys[0], given);
        }
        // The body is resent unchanged too.
        assert!(requests.iter().all(|r| r.body == requests[0].body));
    }
}

// ---------------------------------------------------------------------------------------------
// Client-side validation: nothing is sent

fn violations<E: Debug>(err: Error<E>) -> Vec<(String, &'static str)> {
    match err {
        Error::InvalidRequest(RequestError::Invalid(v)) => v.into_iter().map(|v| (v.path, v.rule)).collect(),
        other => panic!("expected InvalidRequest(Invalid(..)), got {other:?}"),
    }
}

/// A server that answers every request, so that a request slipping through would succeed.
async fn accepting_server(body: Value, status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(&server).await;
    server
}

#[tokio::test]
async fn whats91_more_than_1000_contacts_is_refused_before_sending() {
    let server = accepting_server(response_example("whats91.yaml", "ContactsUploaded", "mixedOutcome"), 200).await;
    let client = whats91_client(&server);
    let contacts = vec![whats91::types::BulkContactInput::new("7000782082".into()); 1001];
    let err = client
        .bulk_upload_contacts("grp_abc", &whats91::types::BulkUploadContactsRequest::new(contacts))
        .await
        .unwrap_err();
    assert_eq!(violations(err), [("body.contacts".to_string(), "maxItems")]);
    assert!(received(&server).await.is_empty());

    // The boundary itself is allowed.
    let contacts = vec![whats91::types::BulkContactInput::new("7000782082".into()); 1000];
    client.bulk_upload_contacts("grp_abc", &whats91::types::BulkUploadContactsRequest::new(contacts)).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body_json::<Value>().unwrap()["contacts"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn whats91_colour_is_sent_as_given() {
    // The docs give "hex color, for example #0f62fe" but no rule the server enforces, so the
    // client checks nothing (spec/README.md, decision on `color`): the server decides.
    let server = accepting_server(response_example("whats91.yaml", "ContactBookCreated", "created"), 201).await;
    let client = whats91_client(&server);
    for colour in ["#0F62FE", "#fff", "blue", ""] {
        let mut req = w91_create_request();
        req.color = Some(colour.into());
        client.create_contact_book(&req).await.unwrap();
        let last = received(&server).await.pop().unwrap();
        assert_eq!(last.body_json::<Value>().unwrap()["color"], json!(colour));
    }
}

#[tokio::test]
async fn wacr_firstname_longer_than_255_characters_is_refused() {
    let server = accepting_server(response_example("wacr.yaml", "ContactCreated", "created"), 201).await;
    let client = wacr_client(&server);
    let mut req = wacr_request();
    req.firstname = "a".repeat(256);
    assert_eq!(
        violations(client.create_contact(&req).await.unwrap_err()),
        [("body.firstname".to_string(), "maxLength")]
    );
    // Several broken rules are all reported, each with its own path.
    req.address = Some("x".repeat(501));
    req.phone = "9".repeat(21);
    assert_eq!(
        violations(client.create_contact(&req).await.unwrap_err()),
        [
            ("body.firstname".to_string(), "maxLength"),
            ("body.phone".to_string(), "maxLength"),
            ("body.address".to_string(), "maxLength")
        ]
    );
    assert!(received(&server).await.is_empty());
    // The limit counts characters, not bytes: 255 two-byte characters are fine.
    let mut req = wacr_request();
    req.firstname = "é".repeat(255);
    client.create_contact(&req).await.unwrap();
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn invalid_email_addresses_are_refused() {
    let server = accepting_server(json!({}), 201).await;
    for bad in ["not-an-email", "a@b", "@example.com", "a b@example.com", "a@@example.com", "a@example..com"] {
        let mut req = wacr_request();
        req.email = Some(bad.into());
        let err = wacr_client(&server).create_contact(&req).await.unwrap_err();
        assert_eq!(violations(err), [("body.email".to_string(), "format")], "{bad:?}");
    }
    let mut req = kirim_request();
    req.email = Nullable::Value("budi@".into());
    let err = kirim_client(&server).create_contact("1", &req).await.unwrap_err();
    assert_eq!(violations(err), [("body.email".to_string(), "format")]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_malformed_email_in_one_bulk_row_does_not_stop_the_upload() {
    // Whats91 reports invalid rows per row and never fails the request for them; the docs state
    // no email format there, so the client sends the row (spec/README.md, bulk row `email`).
    let server = accepting_server(response_example("whats91.yaml", "ContactsUploaded", "mixedOutcome"), 200).await;
    let mut req = w91_bulk_request();
    req.contacts.push(whats91::types::BulkContactInput::new("1".into()));
    req.contacts[1].email = Some("asha.example.com".into());
    whats91_client(&server).bulk_upload_contacts("grp_abc", &req).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body_json::<Value>().unwrap()["contacts"][1]["email"], json!("asha.example.com"));
}

#[tokio::test]
async fn sending_an_unknown_enum_value_is_refused() {
    let server = accepting_server(response_example("wacr.yaml", "ContactCreated", "created"), 201).await;
    let mut req = wacr_request();
    req.r#type = wacr::types::ContactType::Unknown("partner".into());
    let err = wacr_client(&server).create_contact(&req).await.unwrap_err();
    let Error::InvalidRequest(RequestError::Invalid(v)) = &err else { panic!("{err:?}") };
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].path.as_str(), v[0].rule), ("body.type", "enum"));
    assert!(v[0].message.contains("partner") && v[0].message.contains("lead"), "{}", v[0].message);
    assert_eq!(err.status(), None);
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Safety

#[tokio::test]
async fn path_parameters_are_sent_as_one_encoded_segment() {
    let server = accepting_server(response_example("whats91.yaml", "ContactsUploaded", "mixedOutcome"), 200).await;
    let cases = [
        ("../x", "..%2Fx"),
        ("a/b?c#d", "a%2Fb%3Fc%23d"),
        ("%2F", "%252F"),
        ("...", "..."),
        ("a b+c", "a%20b%2Bc"),
        ("grp_日本-ü", "grp_%E6%97%A5%E6%9C%AC-%C3%BC"),
    ];
    let whats91 = whats91_client(&server);
    let kirim = kirim_client(&server);
    for (value, encoded) in cases {
        whats91.bulk_upload_contacts(value, &w91_bulk_request()).await.unwrap();
        let last = received(&server).await.pop().unwrap();
        assert_eq!(last.url.path(), format!("/api/v2/contact-books/{encoded}/contacts/bulk"), "{value:?}");
        assert_eq!((last.url.query(), last.url.fragment()), (None, None), "{value:?}");

        // Kirim answers 201 only, so whatever comes back, look at what was sent.
        let _ = kirim.create_contact(value, &kirim_request()).await;
        let last = received(&server).await.pop().unwrap();
        assert_eq!(last.url.path(), format!("/v1/{encoded}/contacts"), "{value:?}");
        assert_eq!(last.url.query(), None, "{value:?}");
    }
}

#[tokio::test]
async fn dot_segments_and_empty_path_parameters_are_refused() {
    // `%2E`/`%2E%2E` would not help: URL parsers (the client's own included) treat them as
    // dot-segments, so `.` and `..` cannot be sent as a segment at all and are refused.
    let server = accepting_server(response_example("whats91.yaml", "ContactsUploaded", "mixedOutcome"), 200).await;
    let client = whats91_client(&server);
    for value in [".", "..", ""] {
        let err = client.bulk_upload_contacts(value, &w91_bulk_request()).await.unwrap_err();
        match &err {
            Error::InvalidRequest(RequestError::InvalidParameter { name, .. }) => assert_eq!(name, "bookUid"),
            other => panic!("{value:?}: expected InvalidParameter, got {other:?}"),
        }
    }
    let kirim = kirim_client(&server);
    for value in [".", ".."] {
        let err = kirim.create_contact(value, &kirim_request()).await.unwrap_err();
        match &err {
            Error::InvalidRequest(RequestError::InvalidParameter { name, .. }) => assert_eq!(name, "phone_number_id"),
            other => panic!("{value:?}: expected InvalidParameter, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn header_values_with_cr_or_lf_are_refused() {
    let server = accepting_server(response_example("kirim.yaml", "ContactCreated", "created"), 201).await;
    let client = kirim_client(&server);
    for key in ["abc\r\nX-Injected: 1", "abc\nX-Injected: 1", "abc\rdef", "\r\n"] {
        let err = client.create_contact("106540352242922", &kirim_request()).idempotency_key(key).await.unwrap_err();
        match &err {
            Error::InvalidRequest(RequestError::InvalidHeader { name, .. }) => assert_eq!(name, "Idempotency-Key"),
            other => panic!("{key:?}: expected InvalidHeader, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty());
}

/// A port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn the_bearer_token_never_appears_in_debug_or_display_output() {
    fn assert_clean(what: &str, text: &str) {
        assert!(!text.contains(TOKEN), "{what} leaks the token: {text}");
        assert!(!text.contains("TOPSECRET"), "{what} leaks part of the token: {text}");
    }
    let server = MockServer::start().await;
    let bearer = format!("Bearer {TOKEN}");
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(response_example(
            "whats91.yaml",
            "Unauthorized",
            "missingToken",
        )))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books/teapot/contacts/bulk"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(418).set_body_string("I'm a teapot"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books/garbage/contacts/bulk"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>"))
        .mount(&server)
        .await;

    let client = whats91_client(&server);
    assert_clean("client Debug", &format!("{client:?}"));
    assert_clean("config Debug", &format!("{:?}", client.config()));
    assert_clean("config Debug (pretty)", &format!("{:#?}", client.config()));

    let mut errors = Vec::new();
    let api = client.create_contact_book(&w91_create_request()).await.unwrap_err();
    assert!(matches!(api, Error::Api(_)), "{api:?}");
    errors.push(("api", format!("{api}"), format!("{api:?}")));
    let unexpected = client.bulk_upload_contacts("teapot", &w91_bulk_request()).await.unwrap_err();
    assert!(matches!(unexpected, Error::Status(_)), "{unexpected:?}");
    errors.push(("unexpected status", format!("{unexpected}"), format!("{unexpected:?}")));
    let decode = client.bulk_upload_contacts("garbage", &w91_bulk_request()).await.unwrap_err();
    assert!(matches!(decode, Error::Decode(_)), "{decode:?}");
    errors.push(("decode", format!("{decode}"), format!("{decode:?}")));
    let too_many =
        whats91::types::BulkUploadContactsRequest::new(vec![whats91::types::BulkContactInput::new("1".into()); 1001]);
    let invalid = client.bulk_upload_contacts("grp_abc", &too_many).await.unwrap_err();
    assert!(matches!(invalid, Error::InvalidRequest(_)), "{invalid:?}");
    errors.push(("invalid request", format!("{invalid}"), format!("{invalid:?}")));

    let refused =
        whats91::Client::from_config(config(format!("http://127.0.0.1:{}", closed_port()), RetryPolicy::none()))
            .unwrap()
            .create_contact_book(&w91_create_request())
            .await
            .unwrap_err();
    assert!(matches!(refused, Error::Transport(_)), "{refused:?}");
    errors.push(("transport", format!("{refused}"), format!("{refused:?}")));
    let source = std::error::Error::source(&refused).map(|s| format!("{s} / {s:?}")).unwrap_or_default();
    errors.push(("transport source", source, String::new()));

    for (what, display, debug) in &errors {
        assert_clean(&format!("{what} Display"), display);
        assert_clean(&format!("{what} Debug"), debug);
    }
    assert_eq!(received(&server).await.len(), 3, "the token was sent with each request that was sent");
}

// ---------------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn retry_safe_request_is_retried_after_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(kirim_created()).with_priority(2).mount(&server).await;
    let res = kirim_client(&server).create_contact("106540352242922", &kirim_request()).await.unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503).set_body_string("down")).mount(&server).await;
    let err = kirim_client(&server).create_contact("106540352242922", &kirim_request()).await.unwrap_err();
    // 503 is not documented for Kirim's createContact.
    assert!(matches!(&err, Error::Status(raw) if raw.status == 503), "{err:?}");
    assert_eq!(received(&server).await.len(), 3, "the first attempt and max_retries = 2 retries");
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried() {
    for (status, retry_after) in [(503, None), (429, Some("0")), (503, Some("0"))] {
        let server = MockServer::start().await;
        let mut template = ResponseTemplate::new(status).set_body_string("busy");
        if let Some(after) = retry_after {
            template = template.insert_header("retry-after", after);
        }
        Mock::given(method("POST")).respond_with(template).mount(&server).await;
        let client = whats91_client(&server);
        let err = client.create_contact_book(&w91_create_request()).await.unwrap_err();
        assert!(matches!(&err, Error::Status(raw) if raw.status == status), "{err:?}");
        let err = client.bulk_upload_contacts("grp_abc", &w91_bulk_request()).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(received(&server).await.len(), 2, "{status}: exactly one request per call");
    }
}

/// Resolves every name to one address and counts the look-ups: each connection attempt
/// resolves anew, so this counts attempts even when no connection is ever accepted.
struct CountingResolver {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
}

impl reqwest::dns::Resolve for CountingResolver {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let addr = self.addr;
        Box::pin(async move { Ok(Box::new(std::iter::once(addr)) as reqwest::dns::Addrs) })
    }
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported_as_transport_error() {
    let port = closed_port();
    let calls = Arc::new(AtomicUsize::new(0));
    let resolver = CountingResolver { addr: SocketAddr::from(([127, 0, 0, 1], port)), calls: calls.clone() };
    let http = reqwest::Client::builder()
        .no_proxy()
        .dns_resolver(Arc::new(resolver))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    // A POST without idempotency key: a refused connection sent nothing, so it may go again.
    let client =
        whats91::Client::from_config(config(format!("http://refused.test:{port}"), fast_retry()).http_client(http))
            .unwrap();
    let err = client.create_contact_book(&w91_create_request()).await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("expected Transport, got {err:?}") };
    assert!(t.is_connect(), "{err:?}");
    assert!(!t.is_timeout());
    assert_eq!(t.status, None);
    assert_eq!(err.status(), None);
    assert_eq!(calls.load(Ordering::SeqCst), 3, "one attempt and max_retries = 2 retries");
}

#[tokio::test]
async fn retry_after_longer_than_max_retry_after_returns_the_error_at_once() {
    let server = MockServer::start().await;
    let body =
        json!({"error": {"type": "rate_limit", "code": "rate_limited", "message": "later"}, "request_id": "r-429"});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600").set_body_json(body.clone()))
        .mount(&server)
        .await;
    let client = kirim_client(&server); // max_retry_after: 3 s
    let request = kirim_request();
    let call = client.create_contact("106540352242922", &request);
    // A client that honoured the hour would still be waiting when this gives up.
    let err = tokio::time::timeout(Duration::from_secs(20), call).await.expect("no wait for Retry-After").unwrap_err();
    assert!(matches!(err.api(), Some(kirim::types::CreateContactError::TooManyRequests(_))), "{err:?}");
    assert_api_accessors(&err, 429, "rate_limited", "r-429", &bytes(&body));
    assert_eq!(err.headers().unwrap().get("retry-after").unwrap(), "3600");
    assert_eq!(received(&server).await.len(), 1);
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), as `Retry-After` carries it.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");

    let start = Instant::now();
    let now = SystemTime::now();
    // Whole seconds only: the next full second plus one, so between 1 s and 2 s from now.
    let whole = now.duration_since(UNIX_EPOCH).unwrap().as_secs() + 2;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503).insert_header("retry-after", http_date(UNIX_EPOCH + Duration::from_secs(whole))),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(kirim_created()).with_priority(2).mount(&server).await;

    // The computed backoff is 5-20 ms, so only the date can make the retry wait a second.
    let res = kirim_client(&server).create_contact("106540352242922", &kirim_request()).await.unwrap();
    assert_eq!(res.status, 201);
    assert_eq!(received(&server).await.len(), 2);
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(900), "the retry came after {waited:?}, before the date");
}

#[tokio::test]
async fn base_urls_that_would_misroute_requests_are_refused() {
    // A query or a fragment in the base URL would swallow the operation's path
    // (`http://h/api#x` + `/contacts` = `http://h/api#x/contacts`, sent to `/api`).
    let server = MockServer::start().await;
    for base in [format!("{}/api?x=1", server.uri()), format!("{}/api#x", server.uri()), "ftp://127.0.0.1/".into()] {
        let err = whats91::Client::with_base_url(base.clone(), TOKEN).map(|_| ()).unwrap_err();
        assert!(err.to_string().contains(&base), "{err}");
        assert!(!format!("{err} {err:?}").contains(TOKEN));
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_missing_required_nullable_field_is_a_decode_error_not_a_silent_none() {
    let server = MockServer::start().await;
    let mut body = response_example("kirim.yaml", "ContactCreated", "created");
    // `whatsapp_account.phone_number` is required but nullable: `null` is fine, absent is not.
    body["data"]["whatsapp_account"]["phone_number"] = Value::Null;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(&body)).mount(&server).await;
    let ok = kirim_client(&server).create_contact("106540352242922", &kirim_request()).await.unwrap();
    assert_eq!(ok.body.data.whatsapp_account.unwrap().phone_number, None);

    server.reset().await;
    body["data"]["whatsapp_account"].as_object_mut().unwrap().remove("phone_number");
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(&body)).mount(&server).await;
    let err = kirim_client(&server).create_contact("106540352242922", &kirim_request()).await.unwrap_err();
    match err {
        Error::Decode(e) => assert!(e.message.contains("phone_number"), "{}", e.message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_idempotency_key_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = kirim_client(&server)
        .create_contact("106540352242922", &kirim_request())
        .idempotency_key("")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidRequest(RequestError::InvalidHeader { ref name, .. }) if name == "Idempotency-Key")
    );
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Payloads: files in a multipart body, binary responses streamed (tests/fixtures/body_kinds.yaml,
// generated into OUT_DIR by tests/build.rs)

// A test binary uses only part of the client (a library would export all of it).
#[allow(dead_code)]
mod body_kinds {
    include!(concat!(env!("OUT_DIR"), "/body_kinds_client.rs"));
}

/// The parts of a `multipart/form-data` request: each part's head (as text) and its bytes.
fn multipart_parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type.split("boundary=").nth(1).expect("a boundary");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let starts: Vec<usize> =
        body.windows(delimiter.len()).enumerate().filter(|(_, w)| *w == delimiter.as_bytes()).map(|(i, _)| i).collect();
    starts
        .windows(2)
        .map(|w| {
            // `--boundary\r\n` head `\r\n\r\n` content `\r\n` before the next delimiter.
            let part = &body[w[0] + delimiter.len() + 2..w[1] - 2];
            let head_end = part.windows(4).position(|x| x == b"\r\n\r\n").unwrap();
            (String::from_utf8(part[..head_end].to_vec()).unwrap(), part[head_end + 4..].to_vec())
        })
        .collect()
}

#[tokio::test]
async fn files_in_a_multipart_body_are_sent_as_file_parts() {
    use oas_client_runtime::FilePart;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/documents"))
        .respond_with(ResponseTemplate::new(201).set_body_string("doc_1"))
        .expect(1)
        .mount(&server)
        .await;
    let client = body_kinds::Client::with_base_url(server.uri()).unwrap();
    let pdf = vec![0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe];
    let mut body = body_kinds::types::UploadDocumentBody::new(body_kinds::types::UploadDocumentBodyRequired {
        title: "Q3 report".into(),
        file: FilePart::new("report.pdf", pdf.clone()).content_type("application/pdf"),
    });
    body.tags = Some(vec!["finance".into(), "q3".into()]);
    body.attachments = Some(vec![FilePart::new("a.bin", vec![1, 2, 3]), FilePart::new("b.txt", "note")]);
    let created = client.upload_document(&body).await.unwrap();
    assert_eq!(created.body, "doc_1");

    let requests = server.received_requests().await.unwrap();
    let mut parts = multipart_parts(&requests[0]);
    parts.sort();
    let part = |head: &str, content: &[u8]| (head.to_string(), content.to_vec());
    let mut want = vec![
        part(r#"Content-Disposition: form-data; name="title""#, b"Q3 report"),
        part(r#"Content-Disposition: form-data; name="tags""#, b"finance"),
        part(r#"Content-Disposition: form-data; name="tags""#, b"q3"),
        part("Content-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\ncontent-type: application/pdf", &pdf),
        part(
            "Content-Disposition: form-data; name=\"attachments\"; filename=\"a.bin\"\r\ncontent-type: application/octet-stream",
            &[1, 2, 3],
        ),
        part(
            "Content-Disposition: form-data; name=\"attachments\"; filename=\"b.txt\"\r\ncontent-type: application/octet-stream",
            b"note",
        ),
    ];
    want.sort();
    assert_eq!(parts, want);
}

#[tokio::test]
async fn a_file_with_an_unsendable_content_type_is_refused_before_sending() {
    use oas_client_runtime::FilePart;
    let server = MockServer::start().await;
    let client = body_kinds::Client::with_base_url(server.uri()).unwrap();
    let body = body_kinds::types::UploadDocumentBody::new(body_kinds::types::UploadDocumentBodyRequired {
        title: "t".into(),
        file: FilePart::new("x.png", vec![1]).content_type("image/png\r\nX: 1"),
    });
    let err = client.upload_document(&body).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"request not sent: cannot encode file `x.png` of part `file`: content type "image/png\r\nX: 1" cannot be a header value"#
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_binary_response_streams_past_the_size_limit_that_send_keeps() {
    let server = MockServer::start().await;
    let content: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/documents/big/content"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(content.clone(), "application/octet-stream"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/documents/gone/content"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("no such document", "text/plain"))
        .mount(&server)
        .await;
    let config = Config::new(server.uri()).max_response_bytes(1024 * 1024);
    let client = body_kinds::Client::from_config(config).unwrap();

    // Buffered, the body is over the limit.
    let err = client.get_content("big").await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { status: 200, limit: 1048576 }), "{err:?}");

    // Streamed, every byte arrives, in more than one chunk.
    let mut response = client.get_content("big").stream().await.unwrap();
    assert_eq!((response.status, response.body.content_length()), (200, Some(content.len() as u64)));
    let (mut received, mut chunks) = (Vec::new(), 0);
    while let Some(chunk) = response.body.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert!(received == content, "{} of {} bytes, not the same", received.len(), content.len());
    assert!(chunks > 1, "streamed in {chunks} chunk");

    // A failure is read and typed as by `send`.
    let err = client.get_content("gone").stream().await.unwrap_err();
    assert_eq!(err.to_string(), r#"HTTP 404: a status this operation does not document; body "no such document""#);
}
