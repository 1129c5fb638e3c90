//! Tagged unions as a user meets them, on the client of `tests/fixtures/tagged_unions.yaml`
//! (generated into OUT_DIR by tests/build.rs): real JSON decoded and encoded again, and a call on
//! loopback. Where a variant's struct is used nowhere else, the enum writes the tag and the struct
//! has no field for it; a union whose variant is also used on its own keeps the field.

// A test binary uses only part of the client (a library would export all of it).
#[allow(dead_code)]
mod tagged {
    include!(concat!(env!("OUT_DIR"), "/tagged_unions_client.rs"));
}

use oas_client_runtime::{Error, RequestError};
use serde_json::{json, Value};
use tagged::types::{Account, AddRequired, Cat, CatRequired, Dog, Event, Expr, Message, Num, Pet};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn decode<T: serde::de::DeserializeOwned>(wire: Value) -> Result<T, String> {
    serde_json::from_value(wire).map_err(|e| e.to_string())
}

fn encode<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types encode")
}

fn tom() -> Pet {
    Pet::Cat(Cat::new(CatRequired { name: "Tom".into(), lives: 9 }))
}

#[test]
fn a_known_tag_picks_the_variant_and_the_enum_writes_it_back() {
    let wire = json!({"pet_type": "cat", "name": "Tom", "lives": 9});
    let pet: Pet = decode(wire.clone()).unwrap();
    let Pet::Cat(cat) = &pet else { panic!("{pet:?}") };
    assert!(cat.extra.is_empty(), "the tag is the enum's, not an unknown property: {:?}", cat.extra);
    assert_eq!(pet, tom());
    assert_eq!(encode(&tom()), wire);
}

#[test]
fn every_tag_of_a_variant_selects_it_and_the_one_its_schema_pins_is_written() {
    // The mapping lists `hound` first; Dog's schema pins `dog`, so `dog` is what is sent.
    for tag in ["hound", "dog"] {
        let pet: Pet = decode(json!({"pet_type": tag, "bark": true})).unwrap();
        assert_eq!(pet, Pet::Dog(Dog::new(true)));
        assert_eq!(encode(&pet), json!({"pet_type": "dog", "bark": true}));
    }
}

#[test]
fn an_unknown_or_missing_tag_keeps_the_whole_value_and_writes_it_back_unchanged() {
    let unknown = [
        json!({"pet_type": "parrot", "words": ["hello"], "lives": "one"}),
        json!({"name": "no tag", "lives": 1}),
        json!({"pet_type": 7}),
        json!("not an object"),
    ];
    for wire in unknown {
        let pet: Pet = decode(wire.clone()).unwrap();
        assert_eq!(pet, Pet::Unknown(wire.clone()));
        assert_eq!(encode(&pet), wire);
    }
}

#[test]
fn a_known_tag_on_an_object_that_does_not_decode_is_an_error_naming_the_field() {
    let e = decode::<Pet>(json!({"pet_type": "cat", "name": "Tom", "lives": "nine"})).unwrap_err();
    assert_eq!(e, "the `pet_type: cat` variant at `lives`: invalid type: string \"nine\", expected i32");
    let e = decode::<Pet>(json!({"pet_type": "hound"})).unwrap_err();
    assert_eq!(e, "the `pet_type: hound` variant: missing field `bark`");
    let e = decode::<Expr>(json!({"op": "add", "left": {"op": "num", "value": 1}, "right": {"op": "num"}}));
    assert_eq!(e.unwrap_err(), "the `op: add` variant at `right`: the `op: num` variant: missing field `value`");
}

#[test]
fn tags_pinned_without_a_discriminator_and_recursive_variants_round_trip() {
    let events =
        json!([{"type": "created", "id": "e1", "at": "2026-01-01T00:00:00Z"}, {"type": "deleted", "id": "e1"}]);
    let decoded: Vec<Event> = decode(events.clone()).unwrap();
    assert!(matches!(&decoded[..], [Event::Created(c), Event::Deleted(d)] if c.id == "e1" && d.id == "e1"));
    assert_eq!(encode(&decoded), events);

    let one_plus = |right: Expr| {
        let left = Box::new(Expr::Num(Num::new(1.0)));
        Expr::Add(Box::new(tagged::types::Add::new(AddRequired { left, right: Box::new(right) })))
    };
    let expr = one_plus(one_plus(Expr::Num(Num::new(2.5))));
    let wire = json!({"op": "add", "left": {"op": "num", "value": 1.0}, "right":
        {"op": "add", "left": {"op": "num", "value": 1.0}, "right": {"op": "num", "value": 2.5}}});
    assert_eq!(encode(&expr), wire);
    assert_eq!(decode::<Expr>(wire).unwrap(), expr);
}

#[test]
fn a_union_whose_variant_is_used_on_its_own_keeps_the_tag_field() {
    let wire = json!({"kind": "Notice", "text": "maintenance at noon"});
    let message: Message = decode(wire.clone()).unwrap();
    let Message::Notice(notice) = &message else { panic!("{message:?}") };
    assert_eq!((notice.kind.as_str(), notice.text.as_str()), ("Notice", "maintenance at noon"));
    assert_eq!(encode(&message), wire);
    let unknown = json!({"kind": "Banner", "text": "hi"});
    assert_eq!(decode::<Message>(unknown.clone()).unwrap(), Message::Unknown(unknown));
}

#[tokio::test]
async fn the_client_sends_the_tag_checks_the_variant_and_names_the_field_of_a_broken_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(body_json(json!({"pet_type": "cat", "name": "Tom", "lives": 9})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pet_type": "cat", "name": "Tom", "lives": "9"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = tagged::Client::with_base_url(server.uri()).unwrap();

    let err = client.add_pet(&tom()).await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    let expected = "the `pet_type: cat` variant at `lives`: invalid type: string \"9\", expected i32";
    assert!(decode.message.contains(expected), "{}", decode.message);

    // The variant's own rules are checked before sending (`name` has `minLength: 1`).
    let nameless = Pet::Cat(Cat::new(CatRequired { name: String::new(), lives: 1 }));
    let err = client.add_pet(&nameless).await.unwrap_err();
    let Error::InvalidRequest(RequestError::Invalid(violations)) = &err else { panic!("{err:?}") };
    let found: Vec<(&str, &str)> = violations.iter().map(|v| (v.path.as_str(), v.rule)).collect();
    assert_eq!(found, [("body.name", "minLength")]);
}

#[test]
fn an_object_without_the_tag_is_the_variant_whose_schema_defaults_it() {
    // adyen.com's LegalEntityService: every account kind pins `type`, one makes it optional with
    // that value as its default. Before, the union was untagged and a US account decoded as the
    // first alternative that fit, losing its routing number.
    let us = json!({"type": "usLocal", "accountNumber": "1", "routingNumber": "121202211"});
    let account: Account = decode(us.clone()).unwrap();
    assert!(matches!(account, Account::UsAccount(_)), "{account:?}");
    assert_eq!(encode(&account), us);
    let sg = json!({"accountNumber": "2", "bic": "DBSSSGSG"});
    let account: Account = decode(sg).unwrap();
    assert!(matches!(account, Account::SgAccount(_)), "{account:?}");
    // The tag is written back: it is the value its absence meant.
    assert_eq!(encode(&account), json!({"type": "sgLocal", "accountNumber": "2", "bic": "DBSSSGSG"}));
    // A tag that is there but not a listed string is not the default: it is kept as it came.
    for wire in [json!({"type": 7, "accountNumber": "3", "bic": "B"}), json!("not an object")] {
        assert_eq!(decode::<Account>(wire.clone()).unwrap(), Account::Unknown(wire));
    }
    // A known tag whose object is broken is an error, not the default variant.
    let e = decode::<Account>(json!({"type": "usLocal", "accountNumber": "1"})).unwrap_err();
    assert!(e.contains("routingNumber"), "{e}");
}
