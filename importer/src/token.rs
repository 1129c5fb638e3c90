//! The API token: from an environment variable, or from a file (`--token-file`), never from the
//! command line, where it would show in the process list and the shell history. No message
//! ever includes it.

use std::env::{self, VarError};
use std::path::Path;

pub fn load(var: &str, file: Option<&Path>) -> Result<String, String> {
    let (raw, origin) = match file {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| format!("--token-file {}: cannot read: {e}", p.display()))?,
            format!("--token-file {}", p.display()),
        ),
        None => match env::var(var) {
            Ok(t) => (t, format!("${var}")),
            Err(VarError::NotPresent) => return Err(format!("no API token: set {var}, or pass --token-file PATH")),
            Err(VarError::NotUnicode(_)) => return Err(format!("${var} is not valid UTF-8")),
        },
    };
    let token = raw.trim();
    if token.is_empty() {
        return Err(format!("{origin} holds no token"));
    }
    if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "{origin}: the token has a space, a line break or another character a header cannot carry"
        ));
    }
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_trimmed_from_a_file_and_never_show_in_errors() {
        let dir = std::env::temp_dir().join(format!("wac-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "  tok_secret_1\n").unwrap();
        assert_eq!(load("WAC_TEST_UNSET_VAR", Some(&file)).unwrap(), "tok_secret_1");
        std::fs::write(&file, "tok_secret_1\nsecond line\n").unwrap();
        let e = load("WAC_TEST_UNSET_VAR", Some(&file)).unwrap_err();
        assert!(e.contains("a line break") && !e.contains("tok_secret"), "{e}");
        std::fs::write(&file, "\n").unwrap();
        assert!(load("X", Some(&file)).unwrap_err().ends_with("holds no token"));
        let e = load("WAC_TEST_UNSET_VAR", None).unwrap_err();
        assert_eq!(e, "no API token: set WAC_TEST_UNSET_VAR, or pass --token-file PATH");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
