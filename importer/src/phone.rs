//! What makes two phone numbers in a file the same contact: the same digits, with or without a
//! leading `+`, whatever the spacing and punctuation (`+91 98-76 (5)` and `+919876 5` match).

/// The phone reduced to its digits, with a leading `+` when it had one.
pub fn normalize(phone: &str) -> String {
    let trimmed = phone.trim_start();
    let mut out = String::with_capacity(trimmed.len());
    if trimmed.starts_with('+') {
        out.push('+');
    }
    out.extend(trimmed.chars().filter(char::is_ascii_digit));
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn spacing_and_punctuation_do_not_matter_but_the_plus_does() {
        assert_eq!(normalize(" +91 98-76 (5).4"), "+91987654");
        assert_eq!(normalize("+91987654"), "+91987654");
        assert_eq!(normalize("91 987654"), "91987654");
        assert_ne!(normalize("+91987654"), normalize("91987654"));
    }
}
