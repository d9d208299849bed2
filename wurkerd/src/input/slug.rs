//! The rule for slugs, the names scripts and seeds use to refer to definitions.

use protocol::ErrorReply;

/// Checks a slug: not empty, at most `max` characters, only `A-Z a-z 0-9 _ . -`.
///
/// # Errors
/// An `Invalid` reply naming the kind, the slug and the rule it breaks.
pub fn check_slug(kind: &str, slug: &str, max: usize) -> Result<(), ErrorReply> {
    if slug.is_empty() {
        return Err(ErrorReply::invalid(format!(
            "{kind} slug must not be empty"
        )));
    }
    if slug.chars().count() > max {
        return Err(ErrorReply::invalid(format!(
            "{kind} slug '{slug}' is too long: {} characters, at most {max} allowed",
            slug.chars().count()
        )));
    }
    if let Some(bad) = slug
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_.-".contains(*c)))
    {
        return Err(ErrorReply::invalid(format!(
            "{kind} slug '{slug}' contains '{bad}': only letters, digits, '_', '.' and '-' \
             are allowed"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rules() {
        assert!(check_slug("Bee", "test_bee-1.x", 36).is_ok());
        assert!(
            check_slug("Bee", "", 36)
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            check_slug("Bee", &"a".repeat(37), 36)
                .unwrap_err()
                .message
                .contains("at most 36")
        );
        assert!(
            check_slug("Bee", "a b", 36)
                .unwrap_err()
                .message
                .contains("' '")
        );
        assert!(
            check_slug("Bee", "../x", 36)
                .unwrap_err()
                .message
                .contains("'/'")
        );
    }
}
