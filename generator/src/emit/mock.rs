//! `mock.rs` of an API module (behind the crate's `mock` feature): its `MockServer` is the
//! runtime's over this API's `Expectations`, which has one typed expectation method per
//! operation and tells the runtime the client, each operation's example answer and how each
//! success is answered.

use super::{doc, ident, mentions, ty, use_runtime, RuntimeSource};
use crate::examples::{self, Example};
use crate::model::{AuthScheme, BodyKind, StatusMatch};
use crate::plan::{Decode, MockPlan, OperationPlan, Plan, RustTy, SuccessReply};
use crate::pointer;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

/// The mock module of one API; `raw` is the normalized document, where the examples are.
pub fn mock(plan: &Plan, raw: &Value, source: RuntimeSource) -> TokenStream {
    let ops = &plan.operations;
    let examples = examples::collect(raw);
    let impls = ops.iter().zip(&plan.mocks).map(|(p, m)| mocked(p, m));
    let defaults = ops.iter().map(|p| default_answer(p, raw, &examples));
    let methods = ops.iter().zip(&plan.mocks).map(|(p, m)| expect_method(p, m));
    let credentials: Vec<&str> = match plan.credentials.scheme {
        Some(AuthScheme::Basic) => vec!["mock-user", "mock-password"],
        Some(_) => vec!["mock-credential"],
        None => vec![],
    };
    let body = quote! {
        /// A mock of this API on a local port, answering each operation with the spec's
        /// example until a test sets an expectation (see the runtime's `mock` module). Its
        /// expectation methods, one per operation, are [`Expectations`]'.
        pub type MockServer = rt::mock::MockServer<Expectations>;
        /// One typed expectation per operation, which a [`MockServer`] has through `Deref`.
        #[derive(Debug)]
        pub struct Expectations(rt::mock::Server);
        impl Expectations {
            #(#methods)*
        }
        impl rt::mock::Api for Expectations {
            type Client = client::Client;
            fn new(server: rt::mock::Server) -> Self {
                Self(server)
            }
            fn server(&self) -> &rt::mock::Server {
                &self.0
            }
            fn client(base_url: String) -> client::Client {
                client::Client::with_base_url(base_url, #(#credentials),*)
                    .expect("the mock server's URL is a valid base URL")
            }
            fn examples() -> Vec<rt::mock::Example> {
                Vec::from([#(#defaults),*])
            }
        }
        #(#impls)*
    };
    let rt = use_runtime(source, &body);
    let types = mentions(body.clone(), "types").then(|| {
        quote!(
            use super::types;
        )
    });
    quote! {
        //! A typed mock server for the tests of code that uses this API's client.
        use super::client;
        #types
        #rt
        #body
    }
}

fn builder(p: &OperationPlan) -> TokenStream {
    let b = ident(&p.op.type_stem);
    quote!(client::#b<'static>)
}

/// The JSON body type, when the body is JSON.
fn json_body(p: &OperationPlan) -> Option<TokenStream> {
    let body = p.op.body.as_ref().filter(|b| b.kind == BodyKind::Json)?;
    Some(ty(&RustTy::of(&body.ty), &quote!(types::)))
}

fn mocked(p: &OperationPlan, m: &MockPlan) -> TokenStream {
    let builder = builder(p);
    let ok = ty(&p.output, &quote!(types::));
    let body = json_body(p).unwrap_or_else(|| quote!(()));
    let reply = match &p.success_enum {
        Some(e) => {
            let name = ident(&e.name);
            let arms = m.replies.iter().map(|r| {
                let variant = ident(r.variant.as_deref().unwrap_or_default());
                let (arg, reply) = reply(r, quote!(body));
                match r.decode {
                    Decode::Empty => quote!(types::#name::#variant => #reply),
                    _ => quote!(types::#name::#variant(#arg) => #reply),
                }
            });
            quote!(fn reply(ok: &Self::Ok) -> rt::mock::Reply { match ok { #(#arms,)* } })
        }
        // One success type: one reply (the plan always has it).
        None => m
            .replies
            .iter()
            .take(1)
            .map(|r| {
                let (arg, reply) = reply(r, quote!(ok));
                quote!(fn reply(#arg: &Self::Ok) -> rt::mock::Reply { #reply })
            })
            .collect(),
    };
    quote! {
        impl rt::mock::Mocked for #builder {
            type Ok = #ok;
            type Body = #body;
            #reply
        }
    }
}

/// The argument's name (`_` when the body is not used) and the reply to a success in `value`.
fn reply(r: &SuccessReply, value: TokenStream) -> (TokenStream, TokenStream) {
    let status = Literal::u16_unsuffixed(r.status);
    match r.decode {
        Decode::Empty => (quote!(_), quote!(rt::mock::Reply::empty(#status))),
        Decode::Text => (value.clone(), quote!(rt::mock::Reply::text(#status, #value))),
        Decode::Bytes => (value.clone(), quote!(rt::mock::Reply::bytes(#status, #value))),
        Decode::Json => (value.clone(), quote!(rt::mock::Reply::json(#status, #value))),
    }
}

fn expect_method(p: &OperationPlan, m: &MockPlan) -> TokenStream {
    let name = ident(&m.method);
    let builder = builder(p);
    let docs = doc(Some(&format!(
        "An expectation for `{}` (`{} {}`), installed by its `mount`.",
        p.op.id,
        p.op.method.as_str(),
        p.op.path
    )));
    quote! {
        #docs
        pub fn #name(&self) -> rt::mock::Expect<'_, #builder> {
            self.0.expect()
        }
    }
}

/// The first success with a JSON body, its status, and the spec's example for it.
fn default_answer(p: &OperationPlan, raw: &Value, examples: &[Example]) -> TokenStream {
    let builder = builder(p);
    let success =
        p.op.responses.iter().find(|r| r.success && r.body.as_ref().is_some_and(|b| b.kind == BodyKind::Json));
    // Without a JSON success, the first documented success, answered without a body.
    let first = success.or_else(|| p.op.responses.iter().find(|r| r.success));
    let (status, key) = match first.map(|r| &r.status) {
        Some(StatusMatch::Code(c)) => (*c, c.to_string()),
        Some(StatusMatch::Range(r)) => (u16::from(*r) * 100, format!("{r}XX")),
        Some(StatusMatch::Default) => (200, "default".to_string()),
        None => (200, String::new()),
    };
    let operation = pointer::child(&pointer::child("#/paths", &p.op.path), &p.op.method.as_str().to_ascii_lowercase());
    let mut response = pointer::child(&format!("{operation}/responses"), &key);
    // A shared response (`$ref: '#/components/responses/…'`) keeps its examples where it is defined.
    while let Some(target) = examples::resolve(raw, &response).and_then(|r| r.get("$ref")).and_then(Value::as_str) {
        response = target.to_string();
    }
    let prefix = format!("{response}/content/");
    let example = examples.iter().find(|e| success.is_some() && e.is_json() && e.at.starts_with(&prefix));
    // A JSON success the spec gives no example for: a 501 that tells the test what to do.
    let (status, text) = match (success, example) {
        (_, Some(e)) => (status, Some(e.value.to_string())),
        (Some(_), None) => {
            let message = format!("the spec has no example for `{}`: set an expectation", p.op.id);
            (501, Some(serde_json::json!({ "mock": message }).to_string()))
        }
        (None, None) => (status, None),
    };
    let example = match text {
        Some(text) => {
            let text = raw_string(&text);
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    let status = Literal::u16_unsuffixed(status);
    let check = match json_body(p) {
        Some(t) if p.body_checked => quote!(Some(rt::mock::check_json::<#t>)),
        Some(t) => quote!(Some(rt::mock::check_decodes::<#t>)),
        None => quote!(None),
    };
    quote! {
        rt::mock::Example::of::<#builder>(#status, #example, #check)
    }
}

/// `text` as a raw string literal, with as few `#` as it needs: JSON reads better unescaped.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().expect("a raw string literal")
}
