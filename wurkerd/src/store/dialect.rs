//! The SQL dialects of the three backends, and the one place their statement text differs.
//!
//! Store code writes each statement once, in the subset of SQL the three share, with `?` for
//! parameters and `"double quotes"` for identifiers (MySQL connections run with `ANSI_QUOTES`).
//! Only the parameter markers are rewritten here: PostgreSQL numbers them (`$1`, `$2`, …).
//! What the dialects do not share is avoided rather than translated: no `ON CONFLICT` /
//! `ON DUPLICATE KEY` (check, then insert or update, in one transaction), no `rowid`, no
//! `RETURNING` (see [`crate::store::Query::insert`]), `TRUE`/`FALSE` rather than `1`/`0` in
//! statement text.

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    MySql,
    Postgres,
}

impl Dialect {
    /// The name `[remote_db] dbdriver` uses for the backend.
    pub fn driver_name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::MySql => "mysql",
            Dialect::Postgres => "postgresql",
        }
    }

    /// The statement text as this backend wants it; `None` when it is the text given.
    pub fn rewrite(self, sql: &str) -> Option<String> {
        match self {
            Dialect::Postgres => Some(number_placeholders(sql)),
            Dialect::Sqlite | Dialect::MySql => None,
        }
    }
}

/// Replaces each `?` outside string literals, quoted identifiers and comments with `$1`, `$2`,
/// … in order.
fn number_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut count = 0;
    while let Some(c) = chars.next() {
        match c {
            '?' => {
                count += 1;
                out.push('$');
                out.push_str(&count.to_string());
            }
            '\'' | '"' => {
                out.push(c);
                // A doubled quote inside is an escaped quote: the loop sees it as a close
                // followed by a new open, which leaves the text unchanged either way.
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == '\n' {
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_numbers_markers_outside_quotes_and_comments() {
        let sql = "SELECT 'a?', \"b?\" FROM t -- why?\nWHERE x = ? AND (? IS NULL OR y = ?)";
        assert_eq!(
            Dialect::Postgres.rewrite(sql).as_deref(),
            Some("SELECT 'a?', \"b?\" FROM t -- why?\nWHERE x = $1 AND ($2 IS NULL OR y = $3)")
        );
    }

    #[test]
    fn escaped_quotes_stay_inside_the_literal() {
        let sql = "SELECT 'it''s ?' WHERE a = ?";
        assert_eq!(
            Dialect::Postgres.rewrite(sql).as_deref(),
            Some("SELECT 'it''s ?' WHERE a = $1")
        );
    }

    #[test]
    fn sqlite_and_mysql_keep_the_text() {
        assert_eq!(Dialect::Sqlite.rewrite("SELECT ?"), None);
        assert_eq!(Dialect::MySql.rewrite("SELECT ?"), None);
    }
}
