//! Whats91: rows go in batches of up to 1000 to `bulkUploadContacts`, which answers row by row.
//!
//! The endpoint has no idempotency key, so a batch whose answer was lost may or may not have
//! been applied; it is sent again (see [`crate::retry`]), which is harmless because Whats91
//! upserts by phone: the second time, the rows come back `UPDATED`, and the report marks them
//! `resent`. A batch refused as a whole (400) is split in halves until the rows at fault are
//! alone, so one bad row does not fail the 999 others.

use super::{failed, rows_label, Pending, Provider, RowMeta};
use crate::journal::RowResult;
use crate::mapping::{json, text, Cells, FieldDef, Rejection, Target};
use crate::pipeline::Ctx;
use crate::retry::{self, Abort, Answer};
use std::future::IntoFuture;
use std::sync::Arc;
use whatsapp_contacts::runtime::{Map, Operation as _, RetryPolicy};
use whatsapp_contacts::whats91::types::{BulkContactInput, BulkUploadContactsRequest, BulkUploadRowResult};
use whatsapp_contacts::whats91::Client;

pub const EXTRA: &str = "customFields";

const PHONE: usize = 0;
const DISPLAY_NAME: usize = 1;
const FIRST_NAME: usize = 2;
const LAST_NAME: usize = 3;
const EMAIL: usize = 4;
const COMPANY_NAME: usize = 5;

pub static FIELDS: &[FieldDef] = &[
    FieldDef { name: "phone", aliases: &["phonenumber", "mobile", "whatsapp", "msisdn"], required: true },
    FieldDef { name: "displayName", aliases: &["name", "fullname"], required: false },
    FieldDef { name: "firstName", aliases: &["givenname"], required: false },
    FieldDef { name: "lastName", aliases: &["surname", "familyname"], required: false },
    FieldDef { name: "email", aliases: &["emailaddress"], required: false },
    FieldDef { name: "companyName", aliases: &["company", "organisation", "organization"], required: false },
];

pub struct Whats91 {
    pub client: Client,
    pub book: String,
    pub default_country_code: Option<String>,
    pub batch_size: usize,
}

impl Provider for Whats91 {
    type Item = BulkContactInput;

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn build(&self, cells: &Cells<'_>) -> Result<(String, BulkContactInput), Rejection> {
        let mut contact = BulkContactInput::new(String::new());
        let (mut phone, mut phone_column) = (None, None);
        let mut custom = Map::new();
        for (target, column, cell) in cells {
            match target {
                Target::Ignore => {}
                Target::Extra(key) => {
                    if let Some(v) = json(*cell) {
                        custom.insert(key.clone(), v);
                    }
                }
                Target::Field(i) => {
                    let value = text(column, *cell)?;
                    match *i {
                        PHONE => (phone, phone_column) = (value, Some(*column)),
                        DISPLAY_NAME => contact.display_name = value,
                        FIRST_NAME => contact.first_name = value,
                        LAST_NAME => contact.last_name = value,
                        EMAIL => contact.email = value,
                        COMPANY_NAME => contact.company_name = value,
                        _ => unreachable!("FIELDS has {} entries", FIELDS.len()),
                    }
                }
            }
        }
        let phone = phone.ok_or_else(|| match phone_column {
            Some(c) => Rejection::new(Some(c), "the phone number is empty"),
            None => Rejection::new(None, "no phone number: nothing maps to `phone`"),
        })?;
        contact.phone = phone.clone();
        if !custom.is_empty() {
            contact.custom_fields = Some(custom);
        }
        Ok((phone, contact))
    }

    async fn send(self: Arc<Self>, ctx: Arc<Ctx>, batch: Vec<Pending<BulkContactInput>>) -> Result<(), Abort> {
        let mut parts = vec![batch];
        while let Some(part) = parts.pop() {
            let (metas, contacts): (Vec<RowMeta>, Vec<BulkContactInput>) =
                part.into_iter().map(|p| (p.meta, p.item)).unzip();
            ctx.sending(&metas)?;
            let mut request = BulkUploadContactsRequest::new(contacts);
            request.default_country_code = self.default_country_code.clone();
            let outcome = retry::send(&ctx, &metas, || {
                self.client
                    .bulk_upload_contacts(&self.book, &request)
                    .with_timeout(ctx.retry.timeout)
                    .with_retry(RetryPolicy::none())
                    .into_future()
            })
            .await?;
            match outcome.answer {
                Answer::Done(response) => {
                    let answers = response.body.data.results.unwrap_or_default();
                    ctx.record(&results(&metas, answers, outcome.unanswered))?;
                }
                Answer::Refused(e) if metas.len() > 1 => {
                    tracing::info!(
                        "{}: refused ({}); splitting to find the rows at fault",
                        rows_label(&metas),
                        retry::describe(&e)
                    );
                    let contacts = std::mem::take(&mut request.contacts);
                    let mut rows: Vec<Pending<BulkContactInput>> = metas
                        .into_iter()
                        .zip(contacts)
                        .map(|(meta, item)| Pending {
                            meta: RowMeta { resent: meta.resent || outcome.unanswered, ..meta },
                            item,
                        })
                        .collect();
                    let second = rows.split_off(rows.len() / 2);
                    parts.push(second);
                    parts.push(rows);
                }
                Answer::Refused(e) => ctx.record(&[failed(&metas[0], &e, outcome.unanswered)])?,
            }
        }
        Ok(())
    }
}

/// Pairs the server's row results with the input rows. The API does not define `row`; as its
/// example suggests, it is taken as the 1-based position in the request.
fn results(metas: &[RowMeta], answers: Vec<BulkUploadRowResult>, unanswered: bool) -> Vec<RowResult> {
    let mut slots: Vec<Option<BulkUploadRowResult>> = metas.iter().map(|_| None).collect();
    let mut stray = 0;
    for r in answers {
        match r.row.and_then(|n| usize::try_from(n).ok()).and_then(|i| i.checked_sub(1)).filter(|&i| i < metas.len()) {
            Some(i) if slots[i].is_none() => slots[i] = Some(r),
            _ => stray += 1,
        }
    }
    if stray > 0 {
        tracing::warn!(
            "{}: the answer had {stray} result(s) with a row number missing, outside the request or repeated; ignored",
            rows_label(metas)
        );
    }
    metas
        .iter()
        .zip(slots)
        .map(|(m, r)| match r {
            Some(r) => RowResult {
                row: m.row,
                line: m.line,
                status: r.status.as_ref().map_or("NO_STATUS", |s| s.as_str()).to_string(),
                reason: r.reason,
                uid: r.contact.as_ref().and_then(|c| c.contact_uid.clone()),
                phone: r.contact.and_then(|c| c.phone).or(r.phone).or_else(|| Some(m.phone.clone())),
                resent: m.resent || unanswered,
            },
            None => RowResult {
                row: m.row,
                line: m.line,
                status: "NO_RESULT".into(),
                reason: Some("the server answered the batch without a result for this row".into()),
                uid: None,
                phone: Some(m.phone.clone()),
                resent: m.resent || unanswered,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(row: u64) -> RowMeta {
        RowMeta { row, line: row + 1, phone: format!("p{row}"), resent: row == 12 }
    }

    /// Answers are only ever received, so they have no constructor: read one as the server sends it.
    fn answer(row: i32, status: &str) -> BulkUploadRowResult {
        serde_json::from_value(serde_json::json!({"row": row, "status": status})).unwrap()
    }

    #[test]
    fn results_are_matched_by_position_and_missing_ones_are_reported() {
        let metas = [meta(10), meta(12), meta(13)];
        let mut skipped = answer(3, "SKIPPED");
        skipped.reason = Some("DUPLICATE_IN_REQUEST".into());
        let answers = vec![skipped, answer(1, "CREATED"), answer(1, "UPDATED"), answer(9, "CREATED")];
        let r = results(&metas, answers, false);
        assert_eq!(
            r.iter().map(|r| (r.row, r.status.as_str())).collect::<Vec<_>>(),
            [(10, "CREATED"), (12, "NO_RESULT"), (13, "SKIPPED")]
        );
        assert_eq!(r[2].reason.as_deref(), Some("DUPLICATE_IN_REQUEST"));
        assert_eq!(r.iter().map(|r| r.resent).collect::<Vec<_>>(), [false, true, false]);
        assert!(results(&metas, Vec::new(), true).iter().all(|r| r.resent && r.status == "NO_RESULT"));
    }
}
