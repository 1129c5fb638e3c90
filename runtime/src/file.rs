//! A file sent as a part of a `multipart/form-data` body: what a schema's `type: string,
//! format: binary` (or Swagger 2.0's `type: file`) becomes.
//!
//! A multipart body is encoded through serde like every other body, but serde has no way to say
//! "this value is a file". So while [`Request::multipart`](super::Request::multipart) encodes a
//! body, each [`FilePart`] it meets sets itself aside (on this thread, for this one encoding)
//! and leaves a marker in the encoded value; the marker is then replaced by the file. Outside a
//! multipart body a file has no byte form of its own: JSON carries it as a string, which works
//! for text and is refused, by name, for anything else.

use super::error::thousands;
use super::validate::{FieldPath, Rules, Validate, Violation, Violations};
use std::cell::RefCell;
use std::fmt;

/// A file: its bytes, the file name the server is told, and its content type.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FilePart {
    /// The content.
    pub bytes: Vec<u8>,
    /// The name sent in the part's `Content-Disposition` (servers often require one).
    pub file_name: String,
    /// The part's `Content-Type`: `application/octet-stream` unless set.
    pub content_type: String,
}

impl FilePart {
    /// A file named `file_name` holding `bytes`, of type `application/octet-stream`.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        FilePart { bytes: bytes.into(), file_name: file_name.into(), content_type: "application/octet-stream".into() }
    }

    /// The same file with another content type (`image/png`, `text/csv`, …).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }
}

/// The bytes are counted, not printed.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", thousands(self.bytes.len())))
            .finish()
    }
}

thread_local! {
    /// The files of the multipart body being encoded on this thread, if one is.
    static SET_ASIDE: RefCell<Option<Vec<FilePart>>> = const { RefCell::new(None) };
}

/// What a set-aside file leaves in the encoded body: this prefix and its index. No text a
/// caller sends starts with it (a NUL character, then the crate's name).
const MARKER: &str = "\0oas-client-runtime file part ";

impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let index = SET_ASIDE.with(|files| {
            files.borrow_mut().as_mut().map(|files| {
                files.push(self.clone());
                files.len() - 1
            })
        });
        match (index, std::str::from_utf8(&self.bytes)) {
            (Some(i), _) => s.serialize_str(&format!("{MARKER}{i}")),
            (None, Ok(text)) => s.serialize_str(text),
            (None, Err(_)) => Err(serde::ser::Error::custom(format!(
                "file `{}` is binary; only a multipart body can carry it",
                self.file_name
            ))),
        }
    }
}

/// From a JSON string (the only form a file has in JSON), with no file name.
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|text| FilePart::new("", text))
    }
}

/// `minLength`/`maxLength` count bytes.
impl Validate for FilePart {
    fn validate(&self, at: &FieldPath, rules: &Rules, out: &mut Violations) {
        let len = self.bytes.len();
        if let Some(max) = rules.max_length.filter(|m| len > *m) {
            out.push(Violation::new(at, "maxLength", format!("{len} bytes, at most {max} allowed")));
        }
        if let Some(min) = rules.min_length.filter(|m| len < *m) {
            out.push(Violation::new(at, "minLength", format!("{len} bytes, at least {min} required")));
        }
    }
}

/// Runs `encode` with the files it serializes set aside; returns its result and those files.
pub(super) fn setting_files_aside<T>(encode: impl FnOnce() -> T) -> (T, Vec<FilePart>) {
    /// Ends the setting aside even when `encode` panics, so that no later encoding sees it.
    struct Reset(Option<Vec<FilePart>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            SET_ASIDE.with(|files| *files.borrow_mut() = previous);
        }
    }
    let reset = Reset(SET_ASIDE.with(|files| files.borrow_mut().replace(Vec::new())));
    let out = encode();
    let files = SET_ASIDE.with(|files| files.borrow_mut().take()).unwrap_or_default();
    drop(reset);
    (out, files)
}

/// The index of the set-aside file whose marker `text` is, if it is one.
pub(super) fn marker_index(text: &str) -> Option<usize> {
    text.strip_prefix(MARKER)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_set_aside_only_while_a_multipart_body_is_encoded() {
        let file = FilePart::new("a.bin", vec![0xff, 0]).content_type("image/png");
        let (value, files) = setting_files_aside(|| serde_json::to_value([&file, &file]).unwrap());
        assert_eq!(files, [file.clone(), file.clone()]);
        let markers: Vec<Option<usize>> =
            value.as_array().unwrap().iter().map(|v| marker_index(v.as_str().unwrap())).collect();
        assert_eq!(markers, [Some(0), Some(1)]);
        // Outside: text is a JSON string, binary is refused with the file's name.
        let e = serde_json::to_string(&file).unwrap_err();
        assert_eq!(e.to_string(), "file `a.bin` is binary; only a multipart body can carry it");
        assert_eq!(serde_json::to_string(&FilePart::new("n.txt", "hi")).unwrap(), r#""hi""#);
        let back: FilePart = serde_json::from_str(r#""hi""#).unwrap();
        assert_eq!(back.bytes, b"hi");
        assert_eq!(marker_index("plain text"), None);
    }

    #[test]
    fn debug_counts_the_bytes() {
        let file = FilePart::new("photo.jpg", vec![0; 2048]).content_type("image/jpeg");
        assert_eq!(
            format!("{file:?}"),
            r#"FilePart { file_name: "photo.jpg", content_type: "image/jpeg", bytes: 2,048 bytes }"#
        );
    }
}
