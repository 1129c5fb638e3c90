//! The client: constructors for the spec's security scheme, one method per operation returning
//! a request builder, and the builders themselves.
//!
//! Call style: required values (path parameters, required query/header parameters, a required
//! body) are the method's arguments; every optional parameter is a chained setter on the builder,
//! so a new optional parameter is a new method, never a new argument. The builder is awaited
//! directly (`IntoFuture`); the runtime's `operation!` implements `rt::Operation` for it, whose
//! provided methods are `send` and the per-call overrides (`with_timeout`, `with_retry`,
//! `with_header`), written once in the runtime instead of on every builder.

use super::rules::use_rules;
use super::{doc, ident, one_line, paragraphs, ty, use_runtime, Allows, RuntimeSource};
use crate::model::{AuthScheme, BodyKind, HttpMethod, ParamLocation, QueryStyle, Segment, StatusMatch};
use crate::plan::{Decode, How, OperationPlan, Outcome, Plan};
use proc_macro2::TokenStream;
use quote::quote;

pub fn client(plan: &Plan, source: RuntimeSource) -> TokenStream {
    let api = plan.api;
    let title = format!("Client for {} (version {}).", api.title, api.version);
    let docs = doc(paragraphs(&[Some(&title), api.description.as_deref()]).as_deref());
    let ctors = constructors(plan);
    let (methods, builders): (Vec<TokenStream>, Vec<TokenStream>) =
        plan.operations.iter().map(|op| (method(op), builder(op))).unzip();
    let allows = Allows {
        large_enum_variant: false,
        enum_variant_names: false,
        too_many_arguments: plan
            .operations
            .iter()
            .any(|op| op.arguments().count() + usize::from(op.body_is_argument()) > 6),
        deprecated: api.operations.iter().any(|op| op.deprecated),
        result_large_err: !api.operations.is_empty(),
    }
    .tokens();
    let rt = use_runtime(source, &quote!(rt));
    quote! {
        #allows
        //! The async client: one method per operation, each returning a request builder that is
        //! awaited (or sent) after its optional parameters are set.
        use super::types;
        #rt

        #docs
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: rt::Client,
        }

        impl Client {
            #ctors

            /// A client from a full configuration (timeouts, retries, credentials, HTTP client).
            pub fn from_config(config: rt::Config) -> Result<Self, rt::ConfigError> {
                Ok(Self { inner: rt::Client::new(config)? })
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            /// The configuration this client was built with (credentials are redacted in its `Debug`).
            pub fn config(&self) -> &rt::Config {
                self.inner.config()
            }

            #(#methods)*
        }

        #(#builders)*
    }
}

/// `new`/`with_base_url` taking the credentials the spec's first security scheme asks for.
fn constructors(plan: &Plan) -> TokenStream {
    let what = plan.credentials.what;
    let names: Vec<_> = plan.credentials.args.iter().map(|a| ident(a)).collect();
    let args = quote!(#(#names: impl Into<String>),*);
    let names = quote!(#(#names),*);
    let setup = match plan.credentials.scheme {
        Some(AuthScheme::Bearer) => quote!(.bearer_token(#names)),
        Some(AuthScheme::Basic) => quote!(.basic_auth(#names)),
        Some(AuthScheme::ApiKey { location, param }) => {
            let loc = match location {
                ParamLocation::Query => quote!(rt::KeyLocation::Query),
                ParamLocation::Cookie => quote!(rt::KeyLocation::Cookie),
                _ => quote!(rt::KeyLocation::Header),
            };
            quote!(.api_key(#loc, #param, #names))
        }
        None => quote!(),
    };
    let with_doc = format!(" A client for `base_url`, authenticating with {what}.");
    let with_base = quote! {
        #[doc = #with_doc]
        pub fn with_base_url(base_url: impl Into<String>, #args) -> Result<Self, rt::ConfigError> {
            Self::from_config(rt::Config::new(base_url) #setup)
        }
    };
    let Some(server) = plan.default_server else {
        return with_base;
    };
    let url = &server.url;
    let vars: Vec<String> = server.variables.iter().map(|v| format!("`{}` = `{}`", v.name, v.default)).collect();
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
        pub fn new(#args) -> Result<Self, rt::ConfigError> {
            Self::with_base_url(Self::DEFAULT_BASE_URL, #names)
        }

        #with_base
    }
}

/// The body as the builder holds it.
fn body_held_ty(p: &OperationPlan) -> Option<TokenStream> {
    p.body.clone().map(|b| ty(&b.borrowed(), &quote!(types::)))
}

/// The client method: docs, the required arguments, and the builder it returns.
fn method(p: &OperationPlan) -> TokenStream {
    let op = p.op;
    let name = ident(&op.name);
    let builder = ident(&op.type_stem);
    let location = format!("`{} {}`", op.method.as_str(), op.path);
    let scopes = (!op.scopes.is_empty()).then(|| {
        format!("Required scopes: {}.", op.scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
    });
    // Arguments with something to say: a description, or a wire name unlike the Rust one.
    let required_docs: Vec<String> = p
        .arguments()
        .map(|a| a.param)
        .filter_map(|p| {
            let rust = p.rust_name.trim_start_matches("r#");
            let text = one_line(p.doc.as_deref().unwrap_or(""));
            let wire = (rust != p.name).then(|| format!(" ({} `{}`)", location_label(p.location), p.name));
            (!text.is_empty() || wire.is_some())
                .then(|| format!("- `{rust}`{}: {text}", wire.unwrap_or_default()).trim_end_matches(": ").to_string())
        })
        .collect();
    let required_docs = (!required_docs.is_empty()).then(|| format!("Arguments:\n{}", required_docs.join("\n")));
    let optional: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| format!("`{}`", p.rust_name.trim_start_matches("r#")))
        .collect();
    let optional = (!optional.is_empty() || op.body.as_ref().is_some_and(|b| !b.required)).then(|| {
        let mut names = optional.clone();
        if op.body.as_ref().is_some_and(|b| !b.required) {
            names.push("`body`".into());
        }
        format!("Optional values are set on the returned [`{}`]: {}.", op.type_stem, names.join(", "))
    });
    let docs = doc(paragraphs(&[
        op.summary.as_deref(),
        op.doc.as_deref(),
        Some(&location),
        scopes.as_deref(),
        required_docs.as_deref(),
    ])
    .as_deref());
    // Written here, not taken from the spec: the link stays a link.
    let optional = optional.map(|o| {
        let o = format!(" {o}");
        quote!(#[doc = ""] #[doc = #o])
    });
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { quote!() };
    let args = p.arguments().map(|a| {
        let n = ident(&a.param.rust_name);
        let t = ty(&a.held, &quote!(types::));
        quote!(#n: #t)
    });
    let body_arg = p.body_is_argument().then(|| {
        let t = body_held_ty(p);
        quote!(body: #t)
    });
    let inits = op.params.iter().map(|p| {
        let n = ident(&p.rust_name);
        if p.required {
            quote!(#n)
        } else {
            quote!(#n: None)
        }
    });
    let body_init = op.body.as_ref().map(|b| if b.required { quote!(body,) } else { quote!(body: None,) });
    quote! {
        #docs
        #optional
        #deprecated
        pub fn #name<'a>(&'a self, #(#args,)* #body_arg) -> #builder<'a> {
            #builder { call: self.inner.call(), #(#inits,)* #body_init }
        }
    }
}

fn location_label(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The request builder of one operation and its `operation!` table.
fn builder(p: &OperationPlan) -> TokenStream {
    let op = p.op;
    let builder = ident(&op.type_stem);
    let struct_doc = format!(
            " A `{}` request: see [`Client::{}`]. Set optional values with its methods, then `.await` it. Its `send` and per-call `with_*` overrides come from [`rt::Operation`].",
            op.id,
            op.name.trim_start_matches("r#")
        );
    let fields = p.params.iter().map(|pp| {
        let n = ident(&pp.param.rust_name);
        let t = ty(&pp.held, &quote!(types::));
        if pp.param.required {
            quote!(#n: #t,)
        } else {
            quote!(#n: Option<#t>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let t = body_held_ty(p);
        if b.required {
            quote!(body: #t,)
        } else {
            quote!(body: Option<#t>,)
        }
    });
    let setters = p.params.iter().filter(|pp| !pp.param.required).map(|pp| {
            let (p, t) = (pp.param, ty(&pp.held, &quote!(types::)));
            let n = ident(&p.rust_name);
            let mut d = format!("{} `{}`", location_label(p.location), p.name);
            d = match p.doc.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                // A one-line description keeps the parameter's place on its line.
                Some(text) if !text.contains('\n') => format!("{} ({d}).", text.trim_end_matches('.')),
                Some(text) => format!("{text}\n\n({d})"),
                None => format!("Sets the {d}."),
            };
            if p.idempotency_key {
                d.push_str("\n\nWhen not set, a random key is generated; either way the same key is sent on every retry of this call, so a server that honours the key applies a retried request once.");
            }
            let d = doc(Some(&d));
            quote! {
                #d
                pub fn #n(mut self, value: #t) -> Self {
                    self.#n = Some(value);
                    self
                }
            }
        });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|_| {
        let t = body_held_ty(p);
        quote! {
            /// Sets the request body.
            pub fn body(mut self, value: #t) -> Self {
                self.body = Some(value);
                self
            }
        }
    });
    let request = request(p);
    let table = response_table(p);
    let ok = ty(&p.output, &quote!(types::));
    let err = ident(&op.error_enum);
    let (method, template, id) = (method_ident(op.method), op.template(), &op.id);
    let stream = matches!(op.single_success(), Some(Some(b)) if b.kind == BodyKind::Binary).then(|| {
        quote! {
            impl<'a> #builder<'a> {
                /// Sends the request and hands a success's body over as it arrives, chunk by
                /// chunk, without the client's response size limit; a failure is read and
                /// typed as when the builder is awaited.
                pub fn stream(self) -> rt::BoxFuture<'a, rt::Result<rt::ByteStream, types::#err>> {
                    rt::stream(self.request(), Self::decode)
                }
            }
        }
    });
    quote! {
        #[doc = #struct_doc]
        #[must_use = "a request does nothing until it is awaited or sent"]
        #[derive(Debug)]
        pub struct #builder<'a> {
            call: rt::Call<'a>,
            #(#fields)*
            #body_field
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter
            #request
        }

        rt::operation!(#builder, #method #template #id => #ok, types::#err { #table });
        #stream
    }
}

/// `fn request(self)`: checks the values against the spec's rules, then builds the request.
fn request(p: &OperationPlan) -> TokenStream {
    let op = p.op;
    // Client-side checks: parameters with rules or checked types, and the body.
    let mut checks: Vec<TokenStream> = Vec::new();
    for (pp, (how, rules)) in p.params.iter().filter_map(|pp| pp.check.as_ref().map(|c| (pp, c))) {
        let n = ident(&pp.param.rust_name);
        let wire = &pp.param.name;
        let rules = use_rules(rules.as_deref(), &quote!(types::));
        checks.push(match how {
            How::Check => quote!(out.param(&self.#n, #wire, &#rules);),
            How::Count => quote!(out.count(&self.#n, &rt::FieldPath::root(#wire), &#rules);),
        });
    }
    if p.body_checked {
        checks.push(quote!(out.param(&self.body, "body", &rt::Rules::NONE);));
    }
    let validate = (!checks.is_empty()).then(|| {
        quote! {
            let mut out = rt::Violations::new();
            #(#checks)*
            out.finish()?;
        }
    });
    // The runtime fills the template's `{name}`s in order, each percent-encoded.
    let path_values = op.segments.iter().filter_map(|s| match s {
        Segment::Param(i) => {
            let n = ident(&op.params[*i].rust_name);
            Some(quote!(&self.#n))
        }
        Segment::Lit(_) => None,
    });
    let setup: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| {
            let n = ident(&p.rust_name);
            let wire = &p.name;
            match (p.location, p.idempotency_key) {
                (_, true) => quote!(r.idempotency_key(#wire, self.#n)?;),
                (ParamLocation::Query, _) => {
                    let style = match p.style {
                        QueryStyle::FormExplode => quote!(FormExplode),
                        QueryStyle::FormComma => quote!(FormComma),
                        QueryStyle::DeepObject => quote!(DeepObject),
                        QueryStyle::SpaceDelimited => quote!(SpaceDelimited),
                        QueryStyle::PipeDelimited => quote!(PipeDelimited),
                    };
                    quote!(r.query(#wire, &self.#n, rt::QueryStyle::#style)?;)
                }
                _ => quote!(r.header(#wire, &self.#n)?;),
            }
        })
        .collect();
    let body_set = op.body.as_ref().map(|b| {
        let ct = &b.content_type;
        let value = if b.required { quote!(self.body) } else { quote!(body) };
        let call = match b.kind {
            BodyKind::Json => quote!(r.json(#ct, #value)?;),
            BodyKind::Form => quote!(r.form(#ct, #value)?;),
            BodyKind::Multipart => quote!(r.multipart(#value)?;),
            BodyKind::Text => quote!(r.bytes(#ct, #value.as_bytes());),
            BodyKind::Binary => quote!(r.bytes(#ct, #value);),
        };
        if b.required {
            call
        } else {
            quote!(if let Some(body) = self.body { #call })
        }
    });
    let auth = op.authenticated.then(|| quote!(r.authenticate();));
    let mutable = if setup.is_empty() && body_set.is_none() && auth.is_none() { quote!() } else { quote!(mut) };
    quote! {
        fn request(self) -> Result<rt::Request<'a>, rt::RequestError> {
            #validate
            let #mutable r = self.call.start::<Self>(&[#(#path_values),*])?;
            #(#setup)*
            #body_set
            #auth
            Ok(r)
        }
    }
}

/// The runtime's `Method` variant (its `Debug` name).
fn method_ident(m: HttpMethod) -> proc_macro2::Ident {
    ident(&format!("{m:?}"))
}

/// The planned response table as `operation!` reads it: `status => outcome` rows.
fn response_table(p: &OperationPlan) -> TokenStream {
    let decode = |d: &Decode| match d {
        Decode::Empty => quote!(empty),
        Decode::Text => quote!(text),
        Decode::Bytes => quote!(bytes),
        Decode::Json => quote!(json),
    };
    let rows = p.table.iter().map(|row| {
        let pat = status_pattern(&row.status);
        match &row.outcome {
            Outcome::Ok(d, v) => {
                let (d, v) = (decode(d), v.as_deref().map(ident));
                quote!(#pat => ok #d #v)
            }
            Outcome::Err(d, v) => {
                let (d, v) = (decode(d), ident(v));
                quote!(#pat => err #d #v)
            }
            Outcome::Unexpected => quote!(#pat => unexpected),
        }
    });
    quote!(#(#rows),*)
}

fn status_pattern(s: &StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(*c);
            quote!(#c)
        }
        StatusMatch::Range(x) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(*x as u16 * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(*x as u16 * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}
