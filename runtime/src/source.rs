//! The runtime's own source, so that a generator can inline it (this file is left out then).

/// This runtime's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `(file name, contents)` of every module of the runtime but this one.
pub const FILES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("lib.rs")),
    ("auth.rs", include_str!("auth.rs")),
    ("call.rs", include_str!("call.rs")),
    ("client.rs", include_str!("client.rs")),
    ("config.rs", include_str!("config.rs")),
    ("enums.rs", include_str!("enums.rs")),
    ("error.rs", include_str!("error.rs")),
    ("file.rs", include_str!("file.rs")),
    ("nullable.rs", include_str!("nullable.rs")),
    ("object.rs", include_str!("object.rs")),
    ("request.rs", include_str!("request.rs")),
    ("response.rs", include_str!("response.rs")),
    ("validate.rs", include_str!("validate.rs")),
    ("mock.rs", include_str!("mock.rs")),
    ("mock/front.rs", include_str!("mock/front.rs")),
];

/// The `verify` module (`verify.rs`), which an inlined copy carries only in `oas-client-gen
/// verify`'s own crates.
pub const VERIFY: &str = include_str!("verify.rs");
