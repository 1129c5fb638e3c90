//! The client: a constructor per the spec's security scheme and one async method per operation.
//! Methods stay thin: encoding, auth, retries and decoding live in the runtime module.

use super::types::{needs_walk, rules_tokens};
use super::{doc, ident, lint_allows, paragraphs, ty};
use crate::build::is_success;
use crate::model::{Api, AuthScheme, BodyKind, Operation, Param, ParamLocation, QueryStyle, Response, StatusMatch, Ty};
use crate::template::{self, Piece};
use proc_macro2::TokenStream;
use quote::quote;

pub fn client(api: &Api) -> TokenStream {
    let allows = lint_allows();
    let title = format!("Client for {} (version {}).", api.title, api.version);
    let docs = doc(paragraphs(&[Some(&title), api.description.as_deref()]).as_deref());
    let ctors = constructors(api);
    let methods = api.operations.iter().map(method);
    quote! {
        #allows
        //! The async client: one method per operation of the spec.
        use super::types;

        #docs
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            inner: crate::runtime::Client,
        }

        impl Client {
            #ctors

            /// A client from a full configuration (timeouts, retries, credentials, HTTP client).
            pub fn from_config(config: crate::runtime::Config) -> ::std::result::Result<Self, crate::runtime::ConfigError> {
                ::std::result::Result::Ok(Self { inner: crate::runtime::Client::new(config)? })
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            /// The configuration this client was built with (credentials are redacted in its `Debug`).
            pub fn config(&self) -> &crate::runtime::Config {
                self.inner.config()
            }

            #(#methods)*
        }
    }
}

/// `new`/`with_base_url` taking the credentials the spec's first security scheme asks for.
fn constructors(api: &Api) -> TokenStream {
    let (args, names, setup, what) = match api.auth.first() {
        Some(AuthScheme::Bearer { .. }) => (
            quote!(token: impl ::std::convert::Into<::std::string::String>),
            quote!(token),
            quote!(.bearer_token(token)),
            "a bearer token",
        ),
        Some(AuthScheme::Basic { .. }) => (
            quote!(username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>),
            quote!(username, password),
            quote!(.basic_auth(username, password)),
            "a username and password (HTTP basic)",
        ),
        Some(AuthScheme::ApiKey { location, param, .. }) => {
            let loc = match location {
                ParamLocation::Query => quote!(crate::runtime::KeyLocation::Query),
                ParamLocation::Cookie => quote!(crate::runtime::KeyLocation::Cookie),
                _ => quote!(crate::runtime::KeyLocation::Header),
            };
            (
                quote!(api_key: impl ::std::convert::Into<::std::string::String>),
                quote!(api_key),
                quote!(.api_key(#loc, #param, api_key)),
                "an API key",
            )
        }
        None => (quote!(), quote!(), quote!(), "no credentials"),
    };
    let with_doc = format!(" A client for `base_url`, authenticating with {what}.");
    let with_base = quote! {
        #[doc = #with_doc]
        pub fn with_base_url(base_url: impl ::std::convert::Into<::std::string::String>, #args) -> ::std::result::Result<Self, crate::runtime::ConfigError> {
            Self::from_config(crate::runtime::Config::new(base_url) #setup)
        }
    };
    let Some(server) = api.servers.first().filter(|s| s.url.starts_with("http://") || s.url.starts_with("https://"))
    else {
        return with_base;
    };
    let url = &server.url;
    let vars: Vec<String> = server.variables.iter().map(|(n, d, _)| format!("`{n}` = `{d}`")).collect();
    let const_doc = if vars.is_empty() {
        format!(" The spec's server URL: `{url}`.")
    } else {
        format!(" The spec's server URL with its variables at their defaults ({}): replace them with yours via [`Client::with_base_url`].", vars.join(", "))
    };
    let new_doc = format!(" A client for [`Client::DEFAULT_BASE_URL`], authenticating with {what}.");
    quote! {
        #[doc = #const_doc]
        pub const DEFAULT_BASE_URL: &'static str = #url;

        #[doc = #new_doc]
        pub fn new(#args) -> ::std::result::Result<Self, crate::runtime::ConfigError> {
            Self::with_base_url(Self::DEFAULT_BASE_URL, #names)
        }

        #with_base
    }
}

/// How a parameter appears in the method signature: strings borrowed, scalars by value, the rest by reference.
fn param_ty(p: &Param) -> TokenStream {
    let types = quote!(types::);
    let base = match &p.ty {
        Ty::String => quote!(&str),
        t @ (Ty::Int { .. } | Ty::Float { .. } | Ty::Bool) => ty(t, &types),
        t => {
            let t = ty(t, &types);
            quote!(&#t)
        }
    };
    if p.required {
        base
    } else {
        quote!(::std::option::Option<#base>)
    }
}

fn method(op: &Operation) -> TokenStream {
    let types = quote!(types::);
    let name = ident(&op.name);
    let location = format!("`{} {}`", op.method, op.path);
    let scopes = (!op.scopes.is_empty()).then(|| {
        format!("Required scopes: {}.", op.scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
    });
    let param_docs: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            format!(
                "- `{}` ({:?} `{}`): {}",
                p.rust_name.trim_start_matches("r#"),
                p.location,
                p.name,
                p.doc.as_deref().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect();
    let param_docs = (!param_docs.is_empty()).then(|| format!("Parameters:\n{}", param_docs.join("\n")));
    let idem = op.params.iter().any(|p| p.idempotency_key).then_some(
        "An idempotency key is generated when none is given and is sent unchanged on every retry, so a retried request is applied once.",
    );
    let docs = doc(paragraphs(&[
        op.summary.as_deref(),
        op.doc.as_deref(),
        Some(&location),
        scopes.as_deref(),
        param_docs.as_deref(),
        idem,
    ])
    .as_deref());
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { quote!() };

    let args = op.params.iter().map(|p| {
        let n = ident(&p.rust_name);
        let t = param_ty(p);
        quote!(#n: #t)
    });
    let body_arg = op.body.as_ref().map(|b| {
        let t = match b.kind {
            BodyKind::Binary => quote!(&[u8]),
            BodyKind::Text => quote!(&str),
            _ => {
                let t = ty(&b.ty, &types);
                quote!(&#t)
            }
        };
        if b.required {
            quote!(body: #t,)
        } else {
            quote!(body: ::std::option::Option<#t>,)
        }
    });

    // Path: literal pieces verbatim, each variable percent-encoded by the runtime.
    let pieces = template::parse(&op.path).unwrap_or_default();
    let parts: Vec<TokenStream> = pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Lit(l) => Some(quote!(#l)),
            Piece::Var(v) => op.params.iter().find(|p| p.location == ParamLocation::Path && &p.name == v).map(|p| {
                let n = ident(&p.rust_name);
                quote!(&crate::runtime::path_param(#v, &#n)?)
            }),
        })
        .collect();
    let path = if parts.len() == 1 && matches!(pieces.first(), Some(Piece::Lit(_))) {
        let only = &parts[0];
        quote!(::std::string::String::from(#only))
    } else {
        quote!([#(#parts),*].concat())
    };
    let method_ident = ident(&op.method);
    let setup = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(|p| {
        let n = ident(&p.rust_name);
        let wire = &p.name;
        match (p.location, p.idempotency_key) {
            (_, true) => quote!(request.idempotency_key(#wire, #n)?;),
            (ParamLocation::Query, _) => {
                let style = match p.style {
                    QueryStyle::FormExplode => quote!(crate::runtime::QueryStyle::FormExplode),
                    QueryStyle::FormComma => quote!(crate::runtime::QueryStyle::FormComma),
                    QueryStyle::DeepObject => quote!(crate::runtime::QueryStyle::DeepObject),
                };
                quote!(request.query(#wire, &#n, #style)?;)
            }
            _ => quote!(request.header(#wire, &#n)?;),
        }
    });
    let checks = op.params.iter().filter(|p| !p.rules.is_empty() || needs_walk(&p.ty)).map(|p| {
        let n = ident(&p.rust_name);
        let wire = &p.name;
        let rules = rules_tokens(&p.rules);
        quote!(crate::runtime::Validate::validate(&#n, &crate::runtime::FieldPath::root(#wire), &#rules, &mut violations);)
    });
    let body_check = op.body.as_ref().filter(|b| needs_walk(&b.ty) && !matches!(b.kind, BodyKind::Binary | BodyKind::Text)).map(|_| {
        quote!(crate::runtime::Validate::validate(&body, &crate::runtime::FieldPath::root("body"), &crate::runtime::Rules::NONE, &mut violations);)
    });
    let body_set = op.body.as_ref().map(|b| {
        let ct = &b.content_type;
        let call = match b.kind {
            BodyKind::Json => quote!(request.json(#ct, body)?;),
            BodyKind::Form => quote!(request.form(#ct, body)?;),
            BodyKind::Multipart => quote!(request.multipart(body)?;),
            BodyKind::Text => quote!(request.bytes(#ct, body.as_bytes());),
            BodyKind::Binary => quote!(request.bytes(#ct, body);),
        };
        if b.required {
            call
        } else {
            quote!(if let ::std::option::Option::Some(body) = body { #call })
        }
    });
    let auth = op.authenticated.then(|| quote!(request.authenticate();));
    let setup: Vec<TokenStream> = setup.collect();
    let mutable = if setup.is_empty() && body_set.is_none() && auth.is_none() { quote!() } else { quote!(mut) };
    let success_ty = success_type(op);
    let err_ty = ident(&op.error_enum);
    let arms = response_arms(op);
    let validate = if op.params.iter().any(|p| !p.rules.is_empty() || needs_walk(&p.ty)) || body_check.is_some() {
        quote! {
            let mut violations = ::std::vec::Vec::new();
            #(#checks)*
            #body_check
            crate::runtime::reject(violations)?;
        }
    } else {
        quote!()
    };
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args,)* #body_arg) -> ::std::result::Result<crate::runtime::Response<#success_ty>, crate::runtime::Error<types::#err_ty>> {
            #validate
            let #mutable request = crate::runtime::Request::new(::reqwest::Method::#method_ident, #path);
            #(#setup)*
            #body_set
            #auth
            let response = self.inner.execute(request).await?;
            #arms
        }
    }
}

fn success_type(op: &Operation) -> TokenStream {
    let types = quote!(types::);
    if let Some(n) = &op.success_enum {
        let n = ident(n);
        return quote!(types::#n);
    }
    op.responses
        .iter()
        .filter(|r| is_success(&r.status, &op.responses))
        .find_map(|r| r.body.as_ref())
        .map(|(t, _)| ty(t, &types))
        .unwrap_or_else(|| quote!(()))
}

fn response_arms(op: &Operation) -> TokenStream {
    let mut ordered: Vec<&Response> = op.responses.iter().collect();
    // Exact codes, then ranges, then `default`: the match takes the first arm that fits.
    ordered.sort_by_key(|r| match r.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let mut arms = Vec::new();
    let mut has_default = false;
    for r in ordered {
        let pat = match r.status {
            StatusMatch::Code(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(c);
                quote!(#c)
            }
            StatusMatch::Range(x) => {
                let lo = proc_macro2::Literal::u16_unsuffixed(x as u16 * 100);
                let hi = proc_macro2::Literal::u16_unsuffixed(x as u16 * 100 + 99);
                quote!(#lo..=#hi)
            }
            StatusMatch::Default => {
                has_default = true;
                quote!(_)
            }
        };
        let decode = match &r.body {
            Some((_, BodyKind::Text)) => quote!(response.text()?),
            Some((_, BodyKind::Binary)) => quote!(response.bytes()),
            Some(_) => quote!(response.json()?),
            None => quote!(()),
        };
        let vn = ident(&r.variant);
        let value = |enum_name: &str| {
            let en = ident(enum_name);
            if r.body.is_some() {
                quote!(types::#en::#vn(#decode))
            } else {
                quote!(types::#en::#vn)
            }
        };
        let arm = if is_success(&r.status, &op.responses) {
            let body = match &op.success_enum {
                Some(n) => value(n),
                None => decode,
            };
            quote! { { let body = #body; ::std::result::Result::Ok(response.finish(body)) } }
        } else {
            let body = value(&op.error_enum);
            quote! { { let body = #body; ::std::result::Result::Err(response.fail(body)) } }
        };
        // `default` alone needs no match on the status.
        if op.responses.len() == 1 && has_default {
            return arm;
        }
        arms.push(quote!(#pat => #arm));
    }
    if !has_default {
        arms.push(quote! { _ => ::std::result::Result::Err(response.unexpected()) });
    }
    quote!(match response.status() { #(#arms)* })
}
