//! A Swagger 2.0 document through the whole pipeline: `tests/fixtures/swagger2.yaml` (every
//! construct the converter maps) generates every operation, with the model its 3.0 form means.

use crate::model::{Api, AuthScheme, BodyKind, ParamLocation, QueryStyle, Ty};
use std::path::PathBuf;

fn fixture() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/swagger2.yaml"))
}

fn model() -> Api {
    let loaded = crate::load::load_file(&fixture()).unwrap_or_else(|e| panic!("{e}"));
    crate::build_model(&fixture(), &loaded).unwrap_or_else(|e| panic!("{e}")).0
}

#[test]
fn the_swagger_2_fixture_generates_every_operation_with_one_noted_loss() {
    let module =
        crate::Generator::new().module(&fixture(), "tests/fixtures/swagger2.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(module.operations, 6);
    let warnings: Vec<String> = module.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["at #/paths/~1pets/get/parameters/3/collectionFormat: collectionFormat `tsv` of a query parameter has no \
          OpenAPI 3.0 form: read as comma-separated (csv)"]
    );
    let client = &module.files[&PathBuf::from("swagger2/client.rs")];
    assert!(client.contains("DEFAULT_BASE_URL: &'static str = \"https://pets.example.com/v2\""), "{client}");
}

#[test]
fn the_fixture_s_model_is_what_its_swagger_constructs_mean() {
    let api = model();
    let names: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(names, ["listPets", "createPet", "getPet", "updatePetWithForm", "downloadPhoto", "uploadPhoto"]);
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["https://pets.example.com/v2", "http://pets.example.com/v2"]);
    assert!(api.auth.contains(&AuthScheme::Basic), "{:?}", api.auth);
    let key = AuthScheme::ApiKey { location: ParamLocation::Header, param: "X-Api-Key".into() };
    assert!(api.auth.contains(&key), "{:?}", api.auth);
    let op = |id: &str| api.operations.iter().find(|o| o.id == id).unwrap();

    // Query parameters: a top-level one by `$ref`, `multi` → repeated, csv (the default) → commas.
    let list = op("listPets");
    let style = |name: &str| list.params.iter().find(|p| p.name == name).map(|p| (p.location, p.style));
    assert_eq!(style("limit"), Some((ParamLocation::Query, QueryStyle::FormExplode)));
    assert_eq!(style("tags"), Some((ParamLocation::Query, QueryStyle::FormExplode)));
    assert_eq!(style("status"), Some((ParamLocation::Query, QueryStyle::FormComma)));
    assert_eq!(style("X-Request-Id").map(|s| s.0), Some(ParamLocation::Header));

    // `in: body` (through a top-level parameter) → a JSON body of the definition's type.
    let body = op("createPet").body.as_ref().unwrap();
    assert_eq!((body.kind, &body.ty, body.required), (BodyKind::Json, &Ty::Named("NewPet".into()), true));
    // `formData` → a url-encoded form, or multipart when a field is a file.
    assert_eq!(op("updatePetWithForm").body.as_ref().unwrap().kind, BodyKind::Form);
    let upload = op("uploadPhoto").body.as_ref().unwrap();
    assert_eq!((upload.kind, upload.content_type.as_str()), (BodyKind::Multipart, "multipart/form-data"));
    // A `type: file` response is binary.
    let photo = op("downloadPhoto").responses.iter().find(|r| r.success).and_then(|r| r.body.clone()).unwrap();
    assert_eq!(photo.kind, BodyKind::Binary);
    // `#/responses/NotFound` is an error response of the `Error` definition.
    let not_found = op("getPet").responses.iter().find(|r| !r.success).and_then(|r| r.body.clone()).unwrap();
    assert_eq!(not_found.ty, Ty::Named("Error".into()));
    // `x-nullable` → a nullable field; the path item's parameter reaches its operations.
    assert!(op("getPet").params.iter().any(|p| p.name == "petId" && p.location == ParamLocation::Path));
    let crate::model::TypeKind::Struct { fields, .. } = &api.types["NewPet"].kind else {
        panic!("NewPet is not a struct: {:?}", api.types["NewPet"].kind)
    };
    assert!(fields.iter().any(|f| f.json_name == "tag" && f.nullable), "{fields:?}");
}
