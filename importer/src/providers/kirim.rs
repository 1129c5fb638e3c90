//! Kirim: one `createContact` call per row, each with an `Idempotency-Key` derived from the
//! contact (never from the row's position), so the key is the same in every run and in every
//! edit of the file: a contact sent again (after a lost answer, a kill, a repeated run, or a
//! re-import of an edited file) is replayed by the server instead of created a second time.

use super::{failed, validate, Pending, Provider};
use crate::journal::RowResult;
use crate::mapping::{json, text, Cells, FieldDef, Rejection, Target};
use crate::phone;
use crate::pipeline::Ctx;
use crate::retry::{self, Abort, Answer};
use crate::scan::hex;
use sha2::{Digest, Sha256};
use std::future::IntoFuture;
use std::sync::Arc;
use whatsapp_contacts::kirim::types::CreateContactRequest;
use whatsapp_contacts::kirim::Client;
use whatsapp_contacts::runtime::{Map, Nullable, Operation as _, RetryPolicy};

pub const EXTRA: &str = "metadata";

const PHONE_NUMBER: usize = 0;
const NAME: usize = 1;
const EMAIL: usize = 2;

pub static FIELDS: &[FieldDef] = &[
    FieldDef { name: "phone_number", aliases: &["phone", "mobile", "whatsapp", "msisdn"], required: true },
    FieldDef { name: "name", aliases: &["displayname", "fullname"], required: false },
    FieldDef { name: "email", aliases: &["emailaddress"], required: false },
];

pub struct Kirim {
    pub client: Client,
    pub phone_number_id: String,
}

/// A row's request and its idempotency key.
pub struct Item {
    request: CreateContactRequest,
    key: String,
}

/// The same contact (normalised phone and content) for the same account always gets the same
/// key, wherever its row is in the file; a changed contact gets another. The row's position is
/// not part of it, so removing, adding or moving rows never turns a replay into a duplicate (a
/// phone repeated in a file is sent once, for its last row: see `crate::pipeline`), and neither
/// is the file's name, so a renamed copy replays too.
pub fn idempotency_key(phone_number_id: &str, request: &CreateContactRequest) -> String {
    let mut content = request.clone();
    content.phone_number = phone::normalize(&request.phone_number);
    let mut h = Sha256::new();
    h.update(b"whatsapp-contacts/kirim/createContact/v2\0");
    h.update(phone_number_id.as_bytes());
    h.update(b"\0");
    h.update(serde_json::to_vec(&content).expect("a request serializes"));
    format!("wac-{}", hex(&h.finalize()[..16]))
}

impl Provider for Kirim {
    type Item = Item;

    fn batch_size(&self) -> usize {
        1
    }

    fn build(&self, cells: &Cells<'_>) -> Result<(String, Item), Rejection> {
        let mut request = CreateContactRequest::new(String::new());
        let (mut phone, mut phone_column, mut email_column) = (None, None, None);
        let mut metadata = Map::new();
        for (target, column, cell) in cells {
            match target {
                Target::Ignore => {}
                Target::Extra(key) => {
                    if let Some(v) = json(*cell) {
                        metadata.insert(key.clone(), v);
                    }
                }
                Target::Field(i) => {
                    let value = text(column, *cell)?;
                    match *i {
                        PHONE_NUMBER => (phone, phone_column) = (value, Some(*column)),
                        NAME => request.name = value,
                        EMAIL => {
                            (request.email, email_column) =
                                (value.map_or(Nullable::Absent, Nullable::Value), Some(*column))
                        }
                        _ => unreachable!("FIELDS has {} entries", FIELDS.len()),
                    }
                }
            }
        }
        let phone = phone.ok_or_else(|| match phone_column {
            Some(c) => Rejection::new(Some(c), "the phone number is empty"),
            None => Rejection::new(None, "no phone number: nothing maps to `phone_number`"),
        })?;
        request.phone_number = phone.clone();
        if !metadata.is_empty() {
            request.metadata = Some(metadata);
        }
        validate(&request, |field| (field == "email").then(|| email_column.unwrap_or("email").to_string()))?;
        let key = idempotency_key(&self.phone_number_id, &request);
        Ok((phone, Item { request, key }))
    }

    async fn send(self: Arc<Self>, ctx: Arc<Ctx>, batch: Vec<Pending<Item>>) -> Result<(), Abort> {
        for Pending { meta, item } in batch {
            ctx.sending(std::slice::from_ref(&meta))?;
            let outcome = retry::send(&ctx, std::slice::from_ref(&meta), || {
                self.client
                    .create_contact(&self.phone_number_id, &item.request)
                    .idempotency_key(&item.key)
                    .with_timeout(ctx.retry.timeout)
                    .with_retry(RetryPolicy::none())
                    .into_future()
            })
            .await?;
            let result = match outcome.answer {
                Answer::Done(response) => {
                    let contact = response.body.data;
                    RowResult {
                        row: meta.row,
                        line: meta.line,
                        status: "CREATED".into(),
                        reason: None,
                        uid: Some(contact.id),
                        phone: contact.phone_number.into_value().or_else(|| Some(meta.phone.clone())),
                        resent: meta.resent || outcome.unanswered,
                    }
                }
                Answer::Refused(e) => failed(&meta, &e, outcome.unanswered),
            };
            ctx.record(&[result])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_account_phone_and_content_only() {
        let a = CreateContactRequest::new("+62 812-3".into());
        let mut b = a.clone();
        b.name = Some("Budi".into());
        let k = idempotency_key("106", &a);
        assert_eq!(k, idempotency_key("106", &a.clone()), "stable across runs and row positions");
        assert!(k.starts_with("wac-") && k.len() == 36, "{k}");
        let spelled = CreateContactRequest::new("+628123".into());
        assert_eq!(k, idempotency_key("106", &spelled), "the phone is compared normalised");
        assert_ne!(k, idempotency_key("107", &a), "another account");
        assert_ne!(k, idempotency_key("106", &b), "another content");
        assert_ne!(k, idempotency_key("106", &CreateContactRequest::new("+628124".into())), "another phone");
    }
}
