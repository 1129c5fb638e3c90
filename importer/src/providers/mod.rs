//! What differs between the three providers: the fields a row maps to, how a row becomes a
//! request, and how a batch of rows is sent and its answer turned into row results.

pub mod kirim;
pub mod wacr;
pub mod whats91;

use crate::mapping::{Cells, Rejection};
use crate::pipeline::Ctx;
use crate::retry::Abort;
use std::future::Future;
use std::sync::Arc;
use whatsapp_contacts::runtime as rt;

/// What the report needs about a row besides the server's answer.
#[derive(Debug, Clone)]
pub struct RowMeta {
    pub row: u64,
    pub line: u64,
    pub phone: String,
    /// A previous run sent this row and never recorded an answer.
    pub resent: bool,
}

/// A row ready to send.
#[derive(Debug)]
pub struct Pending<T> {
    pub meta: RowMeta,
    pub item: T,
}

pub trait Provider: Send + Sync + 'static {
    /// One row's request.
    type Item: Send + 'static;

    /// Rows per request.
    fn batch_size(&self) -> usize;

    /// Builds a row's request from its cells (on the reader thread); returns its phone too.
    fn build(&self, cells: &Cells<'_>) -> Result<(String, Self::Item), Rejection>;

    /// Sends one batch (retrying as [`crate::retry`] says) and journals every row's result.
    fn send(
        self: Arc<Self>,
        ctx: Arc<Ctx>,
        batch: Vec<Pending<Self::Item>>,
    ) -> impl Future<Output = Result<(), Abort>> + Send;
}

/// Checks a request against the spec's rules (the generated `Validate`), naming the column
/// that fed each field the rules refuse. `column_of` maps a field name to its column.
pub fn validate<T: rt::Validate>(request: &T, column_of: impl Fn(&str) -> Option<String>) -> Result<(), Rejection> {
    let mut out = rt::Violations::new();
    out.param(request, "body", &rt::Rules::NONE);
    let violations = out.into_vec();
    let Some(first) = violations.first() else {
        return Ok(());
    };
    let field = first.path.strip_prefix("body.").unwrap_or(&first.path);
    let field = field.split(['.', '[']).next().unwrap_or(field);
    let mut message = format!("{field} ({}): {}", first.rule, first.message);
    if violations.len() > 1 {
        message.push_str(&format!(" (and {} more)", violations.len() - 1));
    }
    Err(Rejection { column: column_of(field), message })
}

/// A row the server refused for good.
pub fn failed<E>(meta: &RowMeta, e: &rt::Error<E>, unanswered: bool) -> crate::journal::RowResult {
    crate::journal::RowResult {
        row: meta.row,
        line: meta.line,
        status: "FAILED".into(),
        reason: Some(crate::retry::describe(e)),
        uid: None,
        phone: Some(meta.phone.clone()),
        resent: meta.resent || unanswered,
    }
}

/// `row 7`, `rows 1–1000`, or `3 rows from 5 to 9`, for logs and messages.
pub fn rows_label(metas: &[RowMeta]) -> String {
    match metas {
        [] => "no rows".into(),
        [one] => format!("row {} (line {})", one.row, one.line),
        [first, .., last] if last.row - first.row + 1 == metas.len() as u64 => {
            format!("rows {}–{}", first.row, last.row)
        }
        [first, .., last] => format!("{} rows from {} to {}", metas.len(), first.row, last.row),
    }
}
