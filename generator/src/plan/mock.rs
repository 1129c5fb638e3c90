//! The mock module: one expectation method per operation, clear of the names the mock server
//! has itself, and the status and body kind each documented success is answered with.

use super::{Decode, OperationPlan, Outcome};
use crate::model::StatusMatch;
use crate::naming::Names;

/// Method names a generated `MockServer` has itself: those of the runtime's `mock::MockServer`,
/// `Deref::deref`, and the `mock::Api` functions its expectations type implements.
pub const MOCK_METHODS: &[&str] =
    &["start", "client", "uri", "expect", "take_refusals", "received", "deref", "new", "server", "examples"];

/// The mock of one operation.
pub struct MockPlan {
    /// The expectation method's name.
    pub method: String,
    /// How `ok` answers: one reply per variant of the success enum, or one for the single
    /// success type.
    pub replies: Vec<SuccessReply>,
}

/// How `ok` answers one success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessReply {
    /// The success enum's variant, when the operation has one.
    pub variant: Option<String>,
    pub status: u16,
    pub decode: Decode,
}

/// The mocks of `operations`, in their order.
pub(super) fn mocks(operations: &[OperationPlan]) -> Vec<MockPlan> {
    let mut names = Names::with_reserved(MOCK_METHODS);
    operations.iter().map(|p| MockPlan { method: names.claim(&p.op.name), replies: replies(p) }).collect()
}

/// From the success rows of the response table: the variant, the status that decodes as it, and
/// the body kind it decodes.
fn replies(p: &OperationPlan) -> Vec<SuccessReply> {
    let codes: Vec<u16> =
        p.op.responses
            .iter()
            .filter_map(|r| match r.status {
                StatusMatch::Code(c) => Some(c),
                _ => None,
            })
            .collect();
    let answer = |s: &StatusMatch| match s {
        StatusMatch::Code(c) => *c,
        // A status of the range no other response documents, so that it decodes as this one.
        StatusMatch::Range(r) => {
            let base = u16::from(*r) * 100;
            (base..base + 100).find(|c| !codes.contains(c)).unwrap_or(base)
        }
        StatusMatch::Default => 200,
    };
    let oks = p.table.iter().filter_map(|row| match &row.outcome {
        Outcome::Ok(decode, variant) => Some((&row.status, *decode, variant)),
        _ => None,
    });
    if p.success_enum.is_some() {
        return oks
            .map(|(status, decode, variant)| SuccessReply { variant: variant.clone(), status: answer(status), decode })
            .collect();
    }
    // One success type: answered with the first documented success's status.
    let status = p.op.successes().next().map_or(200, |r| answer(&r.status));
    oks.take(1).map(|(_, decode, _)| SuccessReply { variant: None, status, decode }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn mocks_of(yaml: &str) -> Vec<(String, Vec<SuccessReply>)> {
        let path = Path::new("mock.yaml");
        let loaded = crate::load::load_str(path, yaml).unwrap();
        let (api, _) = crate::build_model(path, &loaded).unwrap();
        let plan = super::super::plan(&api);
        plan.mocks.into_iter().map(|m| (m.method, m.replies)).collect()
    }

    #[test]
    fn operations_named_like_the_servers_own_methods_get_other_names() {
        let yaml = r##"
openapi: 3.0.3
info: {title: Names, version: "1"}
paths:
  /start: {post: {operationId: start, responses: {"204": {description: started}}}}
  /client: {get: {operationId: client, responses: {"201": {description: ok, content: {text/plain: {schema: {type: string}}}}}}}
  /uri: {get: {operationId: uri, responses: {"200": {description: ok}}}}
  /other: {get: {operationId: other, responses: {"200": {description: ok}}}}
"##;
        let mocks = mocks_of(yaml);
        let names: Vec<&str> = mocks.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["start2", "client2", "uri2", "other"]);
        let reply =
            |variant: Option<&str>, status, decode| SuccessReply { variant: variant.map(Into::into), status, decode };
        assert_eq!(mocks[0].1, [reply(None, 204, Decode::Empty)]);
        assert_eq!(mocks[1].1, [reply(None, 201, Decode::Text)], "the documented status, not 200");
    }

    #[test]
    fn each_documented_success_is_answered_with_a_status_that_decodes_as_it() {
        let yaml = r##"
openapi: 3.0.3
info: {title: Jobs, version: "1"}
paths:
  /jobs:
    post:
      operationId: submitJob
      responses:
        "200": {description: done, content: {application/json: {schema: {type: object, properties: {output: {type: string}}}}}}
        "2XX": {description: later, content: {application/json: {schema: {type: object, properties: {ticket: {type: string}}}}}}
        "204": {description: nothing to do}
        "400": {description: bad}
"##;
        let mocks = mocks_of(yaml);
        let replies: Vec<(Option<&str>, u16, Decode)> =
            mocks[0].1.iter().map(|r| (r.variant.as_deref(), r.status, r.decode)).collect();
        // The range answers its first status no other response documents.
        assert_eq!(
            replies,
            [
                (Some("Ok"), 200, Decode::Json),
                (Some("NoContent"), 204, Decode::Empty),
                (Some("Success"), 201, Decode::Json)
            ]
        );
    }

    /// Every method the runtime's `MockServer` and `Api` define is a name the generated mock
    /// server keeps for itself, so that no expectation method can hide one.
    #[test]
    fn mock_methods_cover_the_runtime_mock_server() {
        let (_, text) =
            oas_client_runtime::source::FILES.iter().find(|(n, _)| *n == "mock.rs").expect("the mock module");
        let mut found = Vec::new();
        for start in ["impl<A: Api> MockServer<A> {", "pub trait Api: Sized {", "impl<A> Deref for MockServer<A> {"] {
            let block = &text[text.find(start).unwrap_or_else(|| panic!("no `{start}`"))..];
            let block = &block[..block.find("\n}\n").unwrap_or(block.len())];
            for piece in block.split("fn ").skip(1) {
                found.push(piece.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>());
            }
        }
        assert!(found.iter().any(|n| n == "take_refusals"), "the blocks were found: {found:?}");
        let missing: Vec<&String> = found.iter().filter(|n| !MOCK_METHODS.contains(&n.as_str())).collect();
        assert!(missing.is_empty(), "names the runtime's mock server defines, missing from MOCK_METHODS: {missing:?}");
    }
}
