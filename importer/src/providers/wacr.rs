//! WA.cr: one `createContact` call per row. The API has no idempotency key; a row whose answer
//! was lost is sent again, and WA.cr's rule that a phone is unique within the tenant keeps that
//! from creating a second contact. A row refused with the documented "This phone number already
//! exists" (wherever the 422 body puts it) is reported `ALREADY_EXISTS` rather than `FAILED`;
//! when an earlier attempt got no answer, that attempt most likely created the contact.

use super::{failed, validate, Pending, Provider, RowMeta};
use crate::journal::RowResult;
use crate::mapping::{text, Cells, FieldDef, Rejection, Target};
use crate::pipeline::Ctx;
use crate::retry::{self, Abort, Answer};
use serde_json::Value;
use std::future::IntoFuture;
use std::sync::Arc;
use whatsapp_contacts::runtime::{Error, Operation as _, RetryPolicy};
use whatsapp_contacts::wacr::types::{ContactType, CreateContactRequest, CreateContactRequestRequired, ResourceId};
use whatsapp_contacts::wacr::Client;

const FIRSTNAME: usize = 0;
const LASTNAME: usize = 1;
const PHONE: usize = 2;
const TYPE: usize = 3;
const SOURCE_ID: usize = 4;
const STATUS_ID: usize = 5;
const EMAIL: usize = 6;
const COMPANY: usize = 7;
const DESCRIPTION: usize = 8;
const CITY: usize = 9;
const STATE: usize = 10;
const ZIP: usize = 11;
const ADDRESS: usize = 12;
const COUNTRY_ID: usize = 13;
const ASSIGNED_ID: usize = 14;
const GROUPS: usize = 15;

pub static FIELDS: &[FieldDef] = &[
    FieldDef { name: "firstname", aliases: &["givenname"], required: true },
    FieldDef { name: "lastname", aliases: &["surname", "familyname"], required: true },
    FieldDef { name: "phone", aliases: &["phonenumber", "mobile", "whatsapp", "msisdn"], required: true },
    FieldDef { name: "type", aliases: &["contacttype"], required: true },
    FieldDef { name: "source_id", aliases: &[], required: true },
    FieldDef { name: "status_id", aliases: &[], required: true },
    FieldDef { name: "email", aliases: &["emailaddress"], required: false },
    FieldDef { name: "company", aliases: &["companyname"], required: false },
    FieldDef { name: "description", aliases: &[], required: false },
    FieldDef { name: "city", aliases: &[], required: false },
    FieldDef { name: "state", aliases: &[], required: false },
    FieldDef { name: "zip", aliases: &["zipcode", "postcode", "postalcode"], required: false },
    FieldDef { name: "address", aliases: &[], required: false },
    FieldDef { name: "country_id", aliases: &[], required: false },
    FieldDef { name: "assigned_id", aliases: &[], required: false },
    FieldDef { name: "groups", aliases: &[], required: false },
];

/// Values for the required fields a file may leave out (`--type`, `--source-id`, `--status-id`).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub contact_type: Option<String>,
    pub source_id: Option<i64>,
    pub status_id: Option<i64>,
}

impl Defaults {
    /// The field names these defaults cover.
    pub fn covered(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.contact_type.is_some() {
            out.push(FIELDS[TYPE].name);
        }
        if self.source_id.is_some() {
            out.push(FIELDS[SOURCE_ID].name);
        }
        if self.status_id.is_some() {
            out.push(FIELDS[STATUS_ID].name);
        }
        out
    }
}

pub struct Wacr {
    pub client: Client,
    pub defaults: Defaults,
}

impl Provider for Wacr {
    type Item = CreateContactRequest;

    fn batch_size(&self) -> usize {
        1
    }

    fn build(&self, cells: &Cells<'_>) -> Result<(String, CreateContactRequest), Rejection> {
        let mut values: [Option<(String, &str)>; FIELDS.len()] = Default::default();
        let mut groups = None;
        for (target, column, cell) in cells {
            let Target::Field(i) = target else {
                continue; // WA.cr has no free-form map: the plan refused such columns already
            };
            if *i == GROUPS {
                groups = group_ids(column, *cell)?;
            } else if let Some(v) = text(column, *cell)? {
                values[*i] = Some((v, *column));
            }
        }
        let columns: Vec<Option<String>> = values.iter().map(|v| v.as_ref().map(|(_, c)| c.to_string())).collect();
        let mut take = |i: usize| values[i].take();
        let required = |v: Option<(String, &str)>, i: usize| {
            v.map(|(v, _)| v)
                .ok_or_else(|| Rejection::new(None, format!("{} is empty; WA.cr requires it", FIELDS[i].name)))
        };
        let number = |v: Option<(String, &str)>| -> Result<Option<i64>, Rejection> {
            v.map(|(v, column)| {
                v.parse::<i64>().map_err(|_| Rejection::new(Some(column), format!("`{v}` is not a whole number")))
            })
            .transpose()
        };
        let missing = |i: usize| {
            let flag = FIELDS[i].name.replace('_', "-");
            Rejection::new(None, format!("{} is empty and no --{flag} was given", FIELDS[i].name))
        };
        let firstname = required(take(FIRSTNAME), FIRSTNAME)?;
        let lastname = required(take(LASTNAME), LASTNAME)?;
        let phone = required(take(PHONE), PHONE)?;
        let contact_type =
            take(TYPE).map(|(v, _)| v).or_else(|| self.defaults.contact_type.clone()).ok_or_else(|| missing(TYPE))?;
        let source_id = number(take(SOURCE_ID))?.or(self.defaults.source_id);
        let status_id = number(take(STATUS_ID))?.or(self.defaults.status_id);
        let mut request = CreateContactRequest::new(CreateContactRequestRequired {
            firstname,
            lastname,
            phone: phone.clone(),
            r#type: ContactType::from(contact_type.as_str()),
            source_id: source_id.ok_or_else(|| missing(SOURCE_ID))?,
            status_id: status_id.ok_or_else(|| missing(STATUS_ID))?,
        });
        request.email = take(EMAIL).map(|(v, _)| v);
        request.company = take(COMPANY).map(|(v, _)| v);
        request.description = take(DESCRIPTION).map(|(v, _)| v);
        request.city = take(CITY).map(|(v, _)| v);
        request.state = take(STATE).map(|(v, _)| v);
        request.zip = take(ZIP).map(|(v, _)| v);
        request.address = take(ADDRESS).map(|(v, _)| v);
        request.country_id = number(take(COUNTRY_ID))?;
        request.assigned_id = number(take(ASSIGNED_ID))?;
        request.groups = groups;
        validate(&request, |field| {
            let i = FIELDS.iter().position(|f| f.name == field)?;
            columns[i].clone()
        })?;
        Ok((phone, request))
    }

    async fn send(self: Arc<Self>, ctx: Arc<Ctx>, batch: Vec<Pending<CreateContactRequest>>) -> Result<(), Abort> {
        for Pending { meta, item } in batch {
            ctx.sending(std::slice::from_ref(&meta))?;
            let outcome = retry::send(&ctx, std::slice::from_ref(&meta), || {
                self.client
                    .create_contact(&item)
                    .with_timeout(ctx.retry.timeout)
                    .with_retry(RetryPolicy::none())
                    .into_future()
            })
            .await?;
            let resent = meta.resent || outcome.unanswered;
            let result = match outcome.answer {
                Answer::Refused(e) => refused(&meta, &e, outcome.unanswered),
                Answer::Done(response) => RowResult {
                    row: meta.row,
                    line: meta.line,
                    status: "CREATED".into(),
                    reason: None,
                    uid: response.body.data.and_then(|c| c.id).map(id_text),
                    phone: Some(meta.phone.clone()),
                    resent,
                },
            };
            ctx.record(&[result])?;
        }
        Ok(())
    }
}

/// The contact id as text: the API documents neither the field nor its type.
fn id_text(id: ResourceId) -> String {
    match id {
        ResourceId::Integer(n) => n.to_string(),
        ResourceId::String(s) => s,
        other => serde_json::to_string(&other).unwrap_or_default(),
    }
}

/// The documented message of a 422 for a phone the tenant already has.
const PHONE_TAKEN: &str = "this phone number already exists";

/// A refused row: `ALREADY_EXISTS` when the tenant has its phone, else `FAILED`; the reason
/// carries the server's details, which `retry::describe` leaves out.
fn refused<E>(meta: &RowMeta, e: &Error<E>, unanswered: bool) -> RowResult {
    let body = e.raw_body().and_then(|b| serde_json::from_slice::<Value>(b).ok()).unwrap_or(Value::Null);
    with_details(failed(meta, e, unanswered), e.status(), &body)
}

/// `result` (a `FAILED` row) with the server's words from `body` added to its reason, and
/// `ALREADY_EXISTS` for the documented phone message.
fn with_details(mut result: RowResult, status: Option<u16>, body: &Value) -> RowResult {
    let mut texts = Vec::new();
    server_texts(body, None, &mut texts);
    let mut reason = result.reason.take().unwrap_or_default();
    for text in &texts {
        if !reason.contains(text.rsplit(": ").next().unwrap_or(text)) {
            reason.push_str("; ");
            reason.push_str(text);
        }
    }
    if status == Some(422) && texts.iter().any(|t| t.to_lowercase().contains(PHONE_TAKEN)) {
        result.status = "ALREADY_EXISTS".into();
        reason.push_str(if result.resent {
            "; an earlier attempt for this row got no answer and most likely created the contact"
        } else {
            "; the tenant already has a contact with this phone"
        });
    }
    result.reason = Some(reason);
    result
}

/// Every text in an error body but its codes and ids, as `field: text` (or the text alone for a
/// `message`), in the body's order.
fn server_texts(v: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match v {
        Value::String(s) => match key {
            Some("code" | "request_id" | "requestId") => {}
            Some(k) if k != "message" => out.push(format!("{k}: {s}")),
            _ => out.push(s.clone()),
        },
        Value::Array(items) => items.iter().for_each(|item| server_texts(item, key, out)),
        Value::Object(fields) => fields.iter().for_each(|(k, item)| server_texts(item, Some(k), out)),
        _ => {}
    }
}

/// Group ids from a JSON array, or from text separated by `;`, `,`, `|` or spaces.
fn group_ids(column: &str, cell: crate::input::Cell<'_>) -> Result<Option<Vec<i64>>, Rejection> {
    let bad = |v: &str| Rejection::new(Some(column), format!("`{v}` is not a group id (a whole number)"));
    let ids = match cell {
        crate::input::Cell::Json(Value::Array(items)) => {
            items.iter().map(|v| v.as_i64().ok_or_else(|| bad(&v.to_string()))).collect::<Result<Vec<_>, _>>()?
        }
        other => match text(column, other)? {
            None => return Ok(None),
            Some(t) => t
                .split([';', ',', '|', ' '])
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<i64>().map_err(|_| bad(s)))
                .collect::<Result<Vec<_>, _>>()?,
        },
    };
    Ok(Some(ids).filter(|ids| !ids.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Cell;

    fn wacr(defaults: Defaults) -> Wacr {
        Wacr { client: Client::with_base_url("http://127.0.0.1:9", "t").unwrap(), defaults }
    }

    fn build(w: &Wacr, pairs: &[(usize, &'static str, &'static str)]) -> Result<CreateContactRequest, Rejection> {
        let targets: Vec<Target> = pairs.iter().map(|(i, _, _)| Target::Field(*i)).collect();
        let cells: Cells<'_> = pairs.iter().zip(&targets).map(|((_, c, v), t)| (t, *c, Cell::Text(v))).collect();
        w.build(&cells).map(|(_, r)| r)
    }

    /// A row refused with a 422, as `failed` reports it before the details are added.
    fn refusal(body: Value, resent: bool) -> RowResult {
        let failed = RowResult {
            row: 3,
            line: 4,
            status: "FAILED".into(),
            reason: Some("HTTP 422 VALIDATION_ERROR: Validation failed".into()),
            uid: None,
            phone: Some("+911".into()),
            resent,
        };
        with_details(failed, Some(422), &body)
    }

    #[test]
    fn the_documented_phone_message_means_already_exists_wherever_it_is() {
        let layouts = [
            serde_json::json!({"message": "This phone number already exists", "error": {"code": "VALIDATION_ERROR"}}),
            serde_json::json!({"success": false, "error": {"code": "VALIDATION_ERROR", "message": "Validation failed", "details": {"phone": ["This phone number already exists"]}}}),
            serde_json::json!({"code": "VALIDATION_ERROR", "message": "Validation failed", "details": {"phone": ["This phone number already exists"]}}),
            serde_json::json!({"errors": {"phone": "This phone number already exists"}}),
        ];
        for body in layouts {
            let r = refusal(body.clone(), false);
            assert_eq!(r.status, "ALREADY_EXISTS", "{body}");
            let reason = r.reason.unwrap();
            assert!(reason.starts_with("HTTP 422"), "{reason}");
            assert!(reason.contains("This phone number already exists"), "the server's words: {reason}");
            assert!(reason.ends_with("the tenant already has a contact with this phone"), "{reason}");
        }
        let r = refusal(serde_json::json!({"message": "This phone number already exists"}), true);
        assert!(r.reason.unwrap().ends_with("most likely created the contact") && r.resent);
        // Another validation failure is FAILED, with its details in the reason.
        let other = serde_json::json!({"error": {"code": "VALIDATION_ERROR", "message": "Validation failed", "details": {"phone": ["Phone number is required"], "email": ["This email address already exists"]}}});
        let r = refusal(other, false);
        assert_eq!(r.status, "FAILED");
        let reason = r.reason.unwrap();
        assert!(reason.starts_with("HTTP 422 VALIDATION_ERROR: Validation failed; "), "{reason}");
        for detail in ["; phone: Phone number is required", "; email: This email address already exists"] {
            assert!(reason.contains(detail), "{reason}");
        }
        assert_eq!(reason.matches("Validation failed").count(), 1, "said once: {reason}");
    }

    #[test]
    fn required_fields_come_from_cells_or_defaults() {
        let w = wacr(Defaults { contact_type: Some("lead".into()), source_id: Some(115), status_id: None });
        let base = [(FIRSTNAME, "First", "Asha"), (LASTNAME, "Last", "Rao"), (PHONE, "Phone", "+91 95")];
        let e = build(&w, &base).unwrap_err();
        assert_eq!(e.reason(), "status_id is empty and no --status-id was given");
        let mut row = base.to_vec();
        row.extend([(STATUS_ID, "Status", "287"), (GROUPS, "Groups", "1; 2"), (TYPE, "Kind", "customer")]);
        let r = build(&w, &row).unwrap();
        assert_eq!((r.source_id, r.status_id, r.r#type.as_str()), (115, 287, "customer"));
        assert_eq!(r.groups, Some(vec![1, 2]));
    }

    #[test]
    fn values_the_api_refuses_are_rejected_naming_the_column() {
        let w = wacr(Defaults { contact_type: Some("lead".into()), source_id: Some(1), status_id: Some(2) });
        let long: &'static str = Box::leak("x".repeat(256).into_boxed_str());
        let e = build(&w, &[(FIRSTNAME, "Given Name", long), (LASTNAME, "L", "R"), (PHONE, "P", "1")]).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("Given Name"));
        assert!(e.message.starts_with("firstname (maxLength)"), "{e:?}");
        let e = build(&w, &[(FIRSTNAME, "F", "A"), (LASTNAME, "L", "R"), (PHONE, "P", "1"), (TYPE, "T", "partner")])
            .unwrap_err();
        assert!(e.message.contains("`partner` is not one of lead, customer, guest"), "{e:?}");
        let e = build(
            &w,
            &[(FIRSTNAME, "F", "A"), (LASTNAME, "L", "R"), (PHONE, "P", "1"), (COUNTRY_ID, "Country", "India")],
        )
        .unwrap_err();
        assert_eq!(e.reason(), "column `Country`: `India` is not a whole number");
        let e = build(&w, &[(FIRSTNAME, "F", "A"), (PHONE, "P", "1")]).unwrap_err();
        assert_eq!(e.reason(), "lastname is empty; WA.cr requires it");
    }
}
