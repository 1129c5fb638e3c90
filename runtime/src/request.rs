//! One request as a generated builder describes it: method, encoded path, query, headers, body.
//! Nothing here can produce a request that changes another request's path or adds headers:
//! path parameters are percent-encoded and header values with CR/LF are refused.

use super::call::Call;
use super::error::RequestError;
use super::file::{marker_index, setting_files_aside, FilePart};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// HTTP methods an OpenAPI operation can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// Sending it twice has the effect of sending it once (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    pub(super) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
            Method::Options => reqwest::Method::OPTIONS,
            Method::Head => reqwest::Method::HEAD,
            Method::Patch => reqwest::Method::PATCH,
            Method::Trace => reqwest::Method::TRACE,
        }
    }
}

/// Serialization style of a query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `a=1&a=2` (form, explode: the OpenAPI default).
    FormExplode,
    /// `a=1,2` (form, explode: false).
    FormComma,
    /// `a[k]=v` (deepObject).
    DeepObject,
    /// `a=1%202`: values joined by a space (spaceDelimited, explode: false).
    SpaceDelimited,
    /// `a=1|2`: values joined by a pipe (pipeDelimited, explode: false).
    PipeDelimited,
}

impl QueryStyle {
    /// What joins an array's values (and an object's keys and values) in one query value;
    /// `None` for the styles that repeat the parameter instead.
    fn separator(self) -> Option<&'static str> {
        match self {
            QueryStyle::FormComma => Some(","),
            QueryStyle::SpaceDelimited => Some(" "),
            QueryStyle::PipeDelimited => Some("|"),
            QueryStyle::FormExplode | QueryStyle::DeepObject => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) enum Body {
    Bytes(Vec<u8>),
    /// Multipart fields, rebuilt into a form for each attempt (a form cannot be cloned).
    Multipart(Vec<(String, Part)>),
}

/// One part of a multipart body.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Part {
    Text(String),
    File { bytes: Vec<u8>, file_name: String, content_type: HeaderValue },
}

/// One request, built by a generated request builder and sent with [`Request::send`].
#[derive(Debug)]
pub struct Request<'a> {
    pub(super) call: Call<'a>,
    pub(super) method: Method,
    /// The operation id and path template, for traces.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(super) operation: &'static str,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(super) template: &'static str,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<(String, Body)>,
    pub(super) authenticated: bool,
    /// Safe to send twice: an idempotent method, or a request carrying an idempotency key.
    pub(super) retry_safe: bool,
}

impl<'a> Request<'a> {
    pub(super) fn new(
        call: Call<'a>,
        method: Method,
        operation: &'static str,
        template: &'static str,
        path: String,
    ) -> Self {
        Request {
            call,
            method,
            operation,
            template,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            authenticated: false,
            retry_safe: method.is_idempotent(),
        }
    }

    /// Adds a query parameter; `None`/null values are left out.
    pub fn query<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), RequestError> {
        let value = to_value(name, value)?;
        expand_query(name, &value, style, &mut self.query);
        Ok(())
    }

    /// Adds a header parameter; `None`/null values are left out. CR, LF and other control
    /// characters are refused, so no value can add a header or split the request.
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), RequestError> {
        let text = match to_value(name, value)? {
            Value::Null => return Ok(()),
            Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
            other => scalar_text(&other),
        };
        let (n, v) = header_pair(name, &text)?;
        self.headers.append(n, v);
        Ok(())
    }

    /// Sends `given`, or a fresh random key, in header `name`. The key stays the same on every
    /// retry of this request, which is what makes retrying a POST safe.
    pub fn idempotency_key(&mut self, name: &str, given: Option<&str>) -> Result<(), RequestError> {
        let key = match given {
            Some("") => {
                return Err(RequestError::InvalidHeader {
                    name: name.to_string(),
                    reason: "an idempotency key cannot be empty".into(),
                })
            }
            Some(k) => k.to_string(),
            None => random_key(),
        };
        let (n, v) = header_pair(name, &key)?;
        self.headers.insert(n, v);
        self.retry_safe = true;
        Ok(())
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) -> Result<(), RequestError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| RequestError::Encode { what: "body".into(), reason: e.to_string() })?;
        self.body = Some((content_type.to_string(), Body::Bytes(bytes)));
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body: top-level fields as pairs, nested values as JSON text.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) -> Result<(), RequestError> {
        let mut pairs = Vec::new();
        expand_object(&to_value("body", body)?, &mut pairs)?;
        let mut url = reqwest::Url::parse("http://form.invalid/")
            .map_err(|e| RequestError::Encode { what: "body".into(), reason: e.to_string() })?;
        url.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.body = Some((content_type.to_string(), Body::Bytes(url.query().unwrap_or("").as_bytes().to_vec())));
        Ok(())
    }

    /// A `multipart/form-data` body: one part per field (array fields repeat the name), a file
    /// part for each [`FilePart`], a text part for everything else.
    pub fn multipart<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), RequestError> {
        let (value, files) = setting_files_aside(|| to_value("body", body));
        let mut files: Vec<Option<FilePart>> = files.into_iter().map(Some).collect();
        let mut pairs = Vec::new();
        expand_object(&value?, &mut pairs)?;
        let parts = pairs
            .into_iter()
            .map(|(name, text)| {
                let part = match marker_index(&text).and_then(|i| files.get_mut(i)).and_then(Option::take) {
                    Some(file) => file_part(&name, file)?,
                    None => Part::Text(text),
                };
                Ok((name, part))
            })
            .collect::<Result<_, RequestError>>()?;
        self.body = Some(("multipart/form-data".to_string(), Body::Multipart(parts)));
        Ok(())
    }

    /// A body sent as given (text or binary).
    pub fn bytes(&mut self, content_type: &str, body: &[u8]) {
        self.body = Some((content_type.to_string(), Body::Bytes(body.to_vec())));
    }

    /// Marks the request as needing the client's credentials.
    pub fn authenticate(&mut self) {
        self.authenticated = true;
    }
}

/// The part for `file`, sent as field `name`, once its content type is known to be sendable.
fn file_part(name: &str, file: FilePart) -> Result<Part, RequestError> {
    let content_type = HeaderValue::from_str(&file.content_type).map_err(|_| RequestError::Encode {
        what: format!("file `{}` of part `{name}`", file.file_name),
        reason: format!("content type {:?} cannot be a header value", file.content_type),
    })?;
    Ok(Part::File { bytes: file.bytes, file_name: file.file_name, content_type })
}

/// A header name and value, or why they cannot be one.
pub(super) fn header_pair(name: &str, text: &str) -> Result<(HeaderName, HeaderValue), RequestError> {
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| RequestError::InvalidHeader {
        name: name.to_string(),
        reason: "not a valid header name".into(),
    })?;
    let v = HeaderValue::from_str(text).map_err(|_| RequestError::InvalidHeader {
        name: name.to_string(),
        reason: "the value contains CR, LF or another character a header cannot hold".into(),
    })?;
    Ok((n, v))
}

/// Encodes one path parameter so that no value can change the request's path or query:
/// everything but unreserved characters is percent-encoded, and `.`/`..` are refused, because
/// URL parsers (the `url` crate under reqwest included) treat `.`, `..` and their encodings
/// `%2E`, `%2E%2E` alike as dot-segments and would move the request to another path.
pub fn path_param<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<String, RequestError> {
    let invalid = |reason: &str| RequestError::InvalidParameter { name: name.to_string(), reason: reason.to_string() };
    let text = match to_value(name, value)? {
        Value::Null => return Err(invalid("a path parameter cannot be null")),
        Value::Object(_) => return Err(invalid("a path parameter cannot be an object")),
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        other => scalar_text(&other),
    };
    if text.is_empty() {
        return Err(invalid("a path parameter cannot be empty"));
    }
    if text == "." || text == ".." {
        return Err(invalid(&format!("`{text}` would be read as a dot-segment and change the request's path")));
    }
    const UNRESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    Ok(percent_encoding::utf8_percent_encode(&text, UNRESERVED).to_string())
}

fn to_value<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, RequestError> {
    serde_json::to_value(value).map_err(|e| RequestError::Encode { what: name.to_string(), reason: e.to_string() })
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn expand_query(name: &str, value: &Value, style: QueryStyle, out: &mut Vec<(String, String)>) {
    match (value, style.separator()) {
        (Value::Null, _) => {}
        (Value::Array(items), Some(sep)) => {
            out.push((name.to_string(), items.iter().map(scalar_text).collect::<Vec<_>>().join(sep)))
        }
        (Value::Array(items), None) => out.extend(items.iter().map(|i| (name.to_string(), scalar_text(i)))),
        (Value::Object(map), None) if style == QueryStyle::DeepObject => {
            out.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (format!("{name}[{k}]"), scalar_text(v))))
        }
        (Value::Object(map), None) => {
            out.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), scalar_text(v))))
        }
        (Value::Object(map), Some(sep)) => {
            let flat: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect();
            out.push((name.to_string(), flat.join(sep)))
        }
        (other, _) => out.push((name.to_string(), scalar_text(other))),
    }
}

fn expand_object(value: &Value, out: &mut Vec<(String, String)>) -> Result<(), RequestError> {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                expand_query(k, v, QueryStyle::FormExplode, out);
            }
            Ok(())
        }
        _ => Err(RequestError::Encode { what: "body".into(), reason: "a form body must be an object".into() }),
    }
}

/// 128 random bits as a UUID-shaped string, from the standard library's per-process random keys
/// (no extra dependency for one random number).
fn random_key() -> String {
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

pub(super) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    h.write_u128(nanos);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_cannot_escape_their_segment() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("plain-id_1.x~", Ok("plain-id_1.x~")),
            ("a/b", Ok("a%2Fb")),
            ("a?b#c", Ok("a%3Fb%23c")),
            ("%2e%2e", Ok("%252e%252e")),
            ("ünï cödé", Ok("%C3%BCn%C3%AF%20c%C3%B6d%C3%A9")),
            ("...", Ok("...")),
            (".", Err("dot-segment")),
            ("..", Err("dot-segment")),
            ("", Err("cannot be empty")),
        ];
        for (input, want) in table {
            let got = path_param("id", input);
            match (want, got) {
                (Ok(w), Ok(g)) => assert_eq!(&g, w, "{input:?}"),
                (Err(w), Err(e)) => assert!(e.to_string().contains(w), "{input:?}: {e}"),
                (w, g) => panic!("{input:?}: wanted {w:?}, got {g:?}"),
            }
        }
        assert_eq!(path_param("n", &42).unwrap(), "42");
        assert_eq!(path_param("n", &["a", "b/c"]).unwrap(), "a%2Cb%2Fc");
        assert!(path_param("n", &Option::<String>::None).is_err());
        assert!(path_param("n", &serde_json::json!({"a": 1})).is_err());
    }

    #[test]
    fn query_styles() {
        let mut out = Vec::new();
        expand_query("a", &serde_json::json!([1, 2]), QueryStyle::FormExplode, &mut out);
        expand_query("b", &serde_json::json!([1, 2]), QueryStyle::FormComma, &mut out);
        expand_query("c", &serde_json::json!({"x": 1, "y": null}), QueryStyle::DeepObject, &mut out);
        expand_query("d", &Value::Null, QueryStyle::FormExplode, &mut out);
        expand_query("e", &serde_json::json!(["x", "y z"]), QueryStyle::SpaceDelimited, &mut out);
        expand_query("f", &serde_json::json!([1, 2]), QueryStyle::PipeDelimited, &mut out);
        // One key: serde_json's map order depends on its features, which the workspace unifies.
        expand_query("g", &serde_json::json!({"r": 100}), QueryStyle::SpaceDelimited, &mut out);
        let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [("a", "1"), ("a", "2"), ("b", "1,2"), ("c[x]", "1"), ("e", "x y z"), ("f", "1|2"), ("g", "r 100")]
        );
    }

    #[test]
    fn header_values_cannot_split_a_request() {
        assert!(header_pair("X-Ok", "fine value").is_ok());
        for bad in ["a\r\nInjected: 1", "a\nb", "a\rb"] {
            let e = header_pair("X-Bad", bad).unwrap_err();
            assert!(e.to_string().contains("CR, LF"), "{e}");
        }
        assert!(header_pair("Bad Name", "v").is_err());
    }

    #[test]
    fn random_keys_are_uuid_shaped_and_differ() {
        let (a, b) = (random_key(), random_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
    }

    #[test]
    fn files_become_file_parts_and_the_rest_text_parts() {
        #[derive(serde::Serialize)]
        struct Upload {
            title: &'static str,
            file: FilePart,
            more: Vec<FilePart>,
            none: Option<FilePart>,
        }
        let client = crate::Client::new(crate::Config::new("http://127.0.0.1:9")).unwrap();
        let mut r = client.call().request(Method::Post, "upload", "/u", "/u".into());
        let upload = Upload {
            title: "t",
            file: FilePart::new("a.png", vec![0x89, b'P', 0xff]).content_type("image/png"),
            more: vec![FilePart::new("b.txt", "b")],
            none: None,
        };
        r.multipart(&upload).unwrap();
        let file = |bytes: &[u8], name: &str, ct: &'static str| Part::File {
            bytes: bytes.to_vec(),
            file_name: name.into(),
            content_type: HeaderValue::from_static(ct),
        };
        let Some((ct, Body::Multipart(parts))) = &r.body else { panic!("{:?}", r.body) };
        assert_eq!(ct, "multipart/form-data");
        // Field order follows serde_json's map order (sorted unless `preserve_order` is on).
        let mut parts = parts.clone();
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            parts,
            [
                ("file".to_string(), file(&[0x89, b'P', 0xff], "a.png", "image/png")),
                ("more".to_string(), file(b"b", "b.txt", "application/octet-stream")),
                ("title".to_string(), Part::Text("t".into())),
            ]
        );
        // The same file type in a JSON body is its text, or refused when it is binary.
        assert!(r.json("application/json", &upload).unwrap_err().to_string().contains("file `a.png` is binary"));
    }
}
