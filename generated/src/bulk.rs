//! Whats91 bulk upload of any number of contacts. Hand-written (regeneration never touches
//! this file): it builds on the generated `whats91` client and types.
//!
//! The API takes at most 1000 contacts per request. [`upload_all`](crate::bulk::upload_all) splits any number into
//! batches, uploads them with bounded concurrency, and merges the answers into one
//! [`BulkReport`](crate::bulk::BulkReport) whose row numbers refer to the caller's input. The API does not define
//! its `row`: this assumes, as its example suggests, the 1-based position in the request.
//! A failed batch is reported with its range of rows; the other batches' results are kept.

use crate::runtime::Error;
use crate::whats91::types::{
    BulkContactInput, BulkUploadContactsError, BulkUploadContactsRequest, BulkUploadRowResult, BulkUploadSummary,
};
use crate::whats91::Client;
use std::ops::RangeInclusive;

/// The API's documented per-request limit.
pub const MAX_BATCH: usize = 1000;

/// How to split and pace the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkOptions {
    /// Contacts per request, clamped to `1..=MAX_BATCH`.
    pub batch_size: usize,
    /// Requests in flight at once, at least 1.
    pub concurrency: usize,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions { batch_size: MAX_BATCH, concurrency: 4 }
    }
}

/// A batch that did not upload: which of the caller's rows it held, and why.
#[derive(Debug)]
pub struct FailedBatch {
    /// 1-based rows of the caller's input.
    pub rows: RangeInclusive<usize>,
    pub error: Error<BulkUploadContactsError>,
}

/// Row counts summed over batches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkTotals {
    /// Rows the server received.
    pub total: u64,
    /// Rows that created a contact.
    pub created: u64,
    /// Rows that updated an existing contact.
    pub updated: u64,
    /// Rows the server skipped (e.g. duplicates within a request).
    pub skipped: u64,
    /// Rows the server found invalid.
    pub invalid: u64,
}

impl BulkTotals {
    /// Adds one batch's summary (missing counts, and negative ones, count as 0).
    pub fn add(&mut self, s: &BulkUploadSummary) {
        let n = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        self.total += n(s.total);
        self.created += n(s.created);
        self.updated += n(s.updated);
        self.skipped += n(s.skipped);
        self.invalid += n(s.invalid);
    }
}

/// The merged outcome of all batches.
#[derive(Debug)]
pub struct BulkReport {
    /// Sum of the summaries of the batches that uploaded.
    pub summary: BulkTotals,
    /// Row-level results with `row` renumbered to the caller's input, in row order (results
    /// without a `row` first).
    pub results: Vec<BulkUploadRowResult>,
    /// Batches that failed, in row order.
    pub failed: Vec<FailedBatch>,
}

impl BulkReport {
    /// True when every batch uploaded (rows may still be skipped or invalid).
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

/// Uploads `contacts` into contact book `book_uid` in batches.
pub async fn upload_all(
    client: &Client,
    book_uid: &str,
    default_country_code: Option<&str>,
    contacts: Vec<BulkContactInput>,
    options: BulkOptions,
) -> BulkReport {
    let size = options.batch_size.clamp(1, MAX_BATCH);
    let concurrency = options.concurrency.max(1);
    let mut batches = Vec::new();
    let mut rest = contacts;
    let mut offset = 0;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(size));
        let batch = std::mem::replace(&mut rest, tail);
        let rows = offset + 1..=offset + batch.len();
        offset += batch.len();
        let mut request = BulkUploadContactsRequest::new(batch);
        request.default_country_code = default_country_code.map(str::to_string);
        batches.push((rows, request));
    }

    let mut set = tokio::task::JoinSet::new();
    let mut outcomes = Vec::with_capacity(batches.len());
    let mut pending = batches.into_iter();
    loop {
        while set.len() < concurrency {
            let Some((rows, request)) = pending.next() else {
                break;
            };
            let (client, book_uid) = (client.clone(), book_uid.to_string());
            set.spawn(async move {
                let result = client.bulk_upload_contacts(&book_uid, &request).await;
                (rows, result)
            });
        }
        match set.join_next().await {
            Some(Ok(outcome)) => outcomes.push(outcome),
            // A batch task can only end this way if it panicked; propagate rather than hide it.
            Some(Err(join_error)) => std::panic::resume_unwind(join_error.into_panic()),
            None => break,
        }
    }
    merge(outcomes)
}

type Outcome = (
    RangeInclusive<usize>,
    Result<crate::runtime::Response<crate::whats91::types::BulkUploadContactsResponse>, Error<BulkUploadContactsError>>,
);

/// Sums the summaries and renumbers each batch's rows by its offset in the caller's input.
fn merge(mut outcomes: Vec<Outcome>) -> BulkReport {
    outcomes.sort_by_key(|(rows, _)| *rows.start());
    let mut report = BulkReport { summary: BulkTotals::default(), results: Vec::new(), failed: Vec::new() };
    for (rows, result) in outcomes {
        match result {
            Ok(response) => {
                let data = response.body.data;
                if let Some(summary) = &data.summary {
                    report.summary.add(summary);
                }
                let offset = i64::try_from(*rows.start() - 1).unwrap_or(i64::MAX);
                report.results.extend(data.results.into_iter().flatten().map(|mut r| {
                    r.row = r.row.map(|row| row.saturating_add(offset));
                    r
                }));
            }
            Err(error) => report.failed.push(FailedBatch { rows, error }),
        }
    }
    report.results.sort_by_key(|r| r.row);
    report
}
