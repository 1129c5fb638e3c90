//! The hand-written Whats91 bulk helper against a server on 127.0.0.1: any number of contacts
//! split into requests of at most 1000, results merged with rows numbered by the caller's input,
//! and a failed batch reported by its rows while the others' results are kept.

use serde_json::{json, Value};
use whatsapp_contacts::bulk::{upload_all, BulkOptions};
use whatsapp_contacts::runtime::{Config, Error, RetryPolicy};
use whatsapp_contacts::whats91::types::{BulkContactInput, BulkUploadRowStatus};
use whatsapp_contacts::whats91::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers like the API: every row CREATED, rows numbered from 1 within the request; a batch
/// whose first phone is "fail" gets a documented 400 instead.
struct FakeBulk;

impl Respond for FakeBulk {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).expect("the client sends JSON");
        let contacts = body["contacts"].as_array().expect("contacts array");
        assert!(contacts.len() <= 1000, "a request carried {} contacts", contacts.len());
        if contacts[0]["phone"] == "fail" {
            return ResponseTemplate::new(400).set_body_json(json!({
                "success": false,
                "error": { "code": "VALIDATION_FAILED", "message": "boom" }
            }));
        }
        let results: Vec<Value> = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| json!({ "row": i + 1, "status": "CREATED", "contact": { "contactUid": format!("ct_{}", c["phone"].as_str().unwrap()), "phone": c["phone"] } }))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "message": "Contacts uploaded",
            "data": {
                "contactBook": { "contactBookUid": "grp_abc", "name": "Retail Leads" },
                "summary": { "total": contacts.len(), "created": contacts.len(), "updated": 0, "skipped": 0, "invalid": 0 },
                "results": results
            }
        }))
    }
}

fn contacts(n: usize, fail_at: Option<usize>) -> Vec<BulkContactInput> {
    (0..n)
        .map(|i| BulkContactInput::new(if Some(i) == fail_at { "fail".to_string() } else { format!("91{i:08}") }))
        .collect()
}

async fn client(server: &MockServer) -> Client {
    Client::from_config(Config::new(server.uri()).bearer_token("w91_test").retry(RetryPolicy::none())).unwrap()
}

#[tokio::test]
async fn splits_into_batches_of_1000_and_renumbers_rows() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books/grp_abc/contacts/bulk"))
        .respond_with(FakeBulk)
        .mount(&server)
        .await;
    let report =
        upload_all(&client(&server).await, "grp_abc", Some("91"), contacts(2500, None), BulkOptions::default()).await;

    let sizes: Vec<usize> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["contacts"].as_array().unwrap().len())
        .collect();
    let mut sorted = sizes.clone();
    sorted.sort();
    assert_eq!(sorted, vec![500, 1000, 1000]);
    assert!(report.is_complete());
    assert_eq!(report.summary.total, 2500);
    assert_eq!(report.summary.created, 2500);
    assert_eq!(report.results.len(), 2500);
    // Row numbers refer to the caller's input: row 1001 is the caller's 1001st contact.
    for (i, r) in report.results.iter().enumerate() {
        assert_eq!(r.row, Some(i as i64 + 1));
        assert_eq!(r.status, Some(BulkUploadRowStatus::Created));
        assert_eq!(r.contact.as_ref().unwrap().contact_uid, Some(format!("ct_91{i:08}")));
    }
    let sent: Value = serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["defaultCountryCode"], "91");
}

#[tokio::test]
async fn a_failed_batch_is_reported_by_its_rows_and_the_rest_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books/grp_abc/contacts/bulk"))
        .respond_with(FakeBulk)
        .mount(&server)
        .await;
    // The second batch (caller rows 1001..=2000) starts with a contact the fake server rejects.
    let options = BulkOptions { batch_size: 1000, concurrency: 2 };
    let report = upload_all(&client(&server).await, "grp_abc", None, contacts(2300, Some(1000)), options).await;

    assert_eq!(report.failed.len(), 1);
    let failed = &report.failed[0];
    assert_eq!(failed.rows, 1001..=2000);
    assert_eq!(failed.error.status(), Some(400));
    assert!(matches!(failed.error, Error::Api(_)));
    assert_eq!(failed.error.error_code().as_deref(), Some("VALIDATION_FAILED"));
    assert_eq!(report.summary.total, 1300);
    let rows: Vec<Option<i64>> = report.results.iter().map(|r| r.row).collect();
    let expected: Vec<Option<i64>> = (1..=1000).chain(2001..=2300).map(Some).collect();
    assert_eq!(rows, expected);
}

#[tokio::test]
async fn small_batches_and_an_empty_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/contact-books/grp_abc/contacts/bulk"))
        .respond_with(FakeBulk)
        .mount(&server)
        .await;
    let c = client(&server).await;
    let report =
        upload_all(&c, "grp_abc", None, contacts(7, None), BulkOptions { batch_size: 3, concurrency: 1 }).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(report.results.iter().map(|r| r.row).collect::<Vec<_>>(), (1..=7).map(Some).collect::<Vec<_>>());

    let empty = upload_all(&c, "grp_abc", None, Vec::new(), BulkOptions::default()).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "nothing is sent for no contacts");
    assert!(empty.is_complete() && empty.results.is_empty() && empty.summary.total == 0);
}
