//! Every example in `spec/` — media-type `example`/`examples` (request bodies, responses,
//! shared responses), schema and property `example`s, parameter examples — is parsed into its
//! generated Rust type, checked against the spec's client-side rules, serialized back, and
//! compared with the original JSON. Each example is its own test case, found at run time:
//! adding an example to a spec adds a case here without writing any Rust.
//!
//! Finding the examples and following each one's schema to its type is the generator's
//! ([`oas_client_gen::Document`], as `oas-client-gen verify` does); the round-trip
//! itself is the dispatch that `build.rs` generates over the `whatsapp-contacts` types.

use libtest_mimic::{Arguments, Failed, Trial};
use oas_client_gen::{Document, Example, RoundTrip};
use serde_json::Value;
use std::sync::Arc;

type Dispatch = fn(&str, Value) -> Option<whatsapp_contacts::runtime::verify::RoundTrip>;

// `dispatch(module)` and one `round_trip_<module>` per spec, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for spec in contract_tests::spec_files() {
        let doc = Document::load(&spec).unwrap_or_else(|e| panic!("{e}"));
        let module = doc.module_name();
        let found = doc.examples();
        let count = found.len();
        // A spec without examples would make this whole test vacuous for it.
        let name = module.clone();
        trials.push(Trial::test(format!("{module}::has_examples"), move || {
            if count == 0 {
                return Err(format!("no examples found in {name}").into());
            }
            Ok(())
        }));
        let doc = Arc::new(doc);
        for ex in found {
            let (doc, module) = (doc.clone(), module.clone());
            trials.push(Trial::test(format!("{module}::{}", ex.at), move || check(&module, &doc, &ex)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn check(module: &str, doc: &Document, ex: &Example) -> Result<(), Failed> {
    let run: Dispatch =
        dispatch(module).ok_or_else(|| format!("no generated module `{module}` is wired into this test"))?;
    if !ex.is_json() {
        return Err(format!("{}: the client does not read {:?} bodies as JSON", ex.at, ex.media_type).into());
    }
    let mut round_trip = |name: &str, value: &Value| -> Option<RoundTrip> {
        let result = run(name, value.clone())?;
        Some(result.map(|(back, violations)| (back, violations.iter().map(ToString::to_string).collect())))
    };
    doc.check_example(ex, &mut round_trip).map(|_| ()).map_err(|f| {
        let ty = f.type_name.map(|t| format!(" `{t}`")).unwrap_or_default();
        let at = if f.at.is_empty() { String::new() } else { format!(" at {}", f.at) };
        format!("{}{ty}{at}: {}", f.cause.label(), f.detail).into()
    })
}
