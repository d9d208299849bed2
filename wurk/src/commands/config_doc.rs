//! `wurker.toml` as `wurk admin config` reads and edits it: lookups by `table[.key]` rendered as
//! JSON, and `table.key=value` changes that keep each value's type and every comment.

use serde_json::{Map, Value};
use toml_edit::{DocumentMut, Item};

/// What stands in for a secret in whole-table views; asking for the key itself shows it.
const MASK: &str = "********";
/// Keys whose text is secret: passwords, the UI session key, and a database `url` (which may
/// carry the password).
const SECRET_KEYS: [&str; 3] = ["password", "secret_key", "url"];

/// Parses the configuration text.
///
/// # Errors
/// A message naming the file when it is not TOML.
pub fn parse(text: &str, file: &str) -> Result<DocumentMut, String> {
    text.parse()
        .map_err(|err| format!("{file} is not valid TOML: {err}"))
}

/// The JSON for `config get [table[.key]]`: the whole document, one table, or one value.
///
/// # Errors
/// The original's messages for an unknown table or key, or a malformed argument.
pub fn get(document: &DocumentMut, selector: Option<&str>) -> Result<Value, String> {
    let Some(selector) = selector else {
        return Ok(table_json(document.as_table(), true));
    };
    let (table_name, key) = match selector.split_once('.') {
        None => (selector, None),
        Some(("", _)) => {
            return Err(format!(
                "Invalid 'key' argument '{selector}': not allowed without 'table'"
            ));
        }
        Some((table, key)) if !key.contains('.') => (table, Some(key)),
        Some(_) => {
            return Err(format!(
                "Invalid argument: '{selector}'. Expected format 'table' or 'table.key'."
            ));
        }
    };
    let table = document
        .get(table_name)
        .and_then(Item::as_table_like)
        .ok_or_else(|| {
            format!("Invalid 'table' argument '{table_name}': not found in config file")
        })?;
    match key {
        None => Ok(item_json(
            document.get(table_name).unwrap_or(&Item::None),
            true,
        )),
        Some(key) => table
            .get(key)
            .map(|item| item_json(item, false))
            .ok_or_else(|| {
                format!("Invalid 'table.key' argument '{selector}': not found in config file")
            }),
    }
}

/// Applies every `table.key=value` pair to the document, or none: the first bad pair is an
/// error and the caller discards the document.
///
/// # Errors
/// A message naming the pair: malformed, unknown table or key, or a value of the wrong type.
pub fn set(document: &mut DocumentMut, pairs: &[String]) -> Result<(), String> {
    for pair in pairs {
        let (selector, text) = pair.split_once('=').ok_or_else(|| {
            format!("Invalid argument: '{pair}'. Expected format 'table.key=value'.")
        })?;
        let (table_name, key) = selector
            .split_once('.')
            .filter(|(table, key)| !table.is_empty() && !key.is_empty() && !key.contains('.'))
            .ok_or_else(|| {
                format!("Invalid argument: '{selector}'. Expected format 'table.key'.")
            })?;
        let table = document
            .get_mut(table_name)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| {
                format!("Invalid 'table' argument '{table_name}': not found in config file")
            })?;
        let value = table
            .get_mut(key)
            .and_then(Item::as_value_mut)
            .ok_or_else(|| {
                format!("Invalid 'table.key' argument '{selector}': not found in config file")
            })?;
        let mut new = coerce(value, text).map_err(|why| format!("{selector}: {why}"))?;
        // The value's surrounding spaces and trailing comment stay where they were.
        *new.decor_mut() = value.decor().clone();
        *value = new;
    }
    Ok(())
}

/// `text` as a value of the same type as `old`.
fn coerce(old: &toml_edit::Value, text: &str) -> Result<toml_edit::Value, String> {
    use toml_edit::Value as V;
    match old {
        V::String(_) => Ok(text.into()),
        V::Integer(_) => text
            .trim()
            .parse::<i64>()
            .map(Into::into)
            .map_err(|_| format!("'{text}' is not a whole number")),
        V::Float(_) => text
            .trim()
            .parse::<f64>()
            .map(Into::into)
            .map_err(|_| format!("'{text}' is not a number")),
        V::Boolean(_) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true.into()),
            "false" | "0" | "no" | "off" => Ok(false.into()),
            _ => Err(format!("'{text}' is not true or false")),
        },
        _ => Err("this value cannot be set from the command line; edit the file".to_string()),
    }
}

fn table_json(table: &dyn toml_edit::TableLike, mask: bool) -> Value {
    let mut map = Map::new();
    for (key, item) in table.iter() {
        let shown = if mask && SECRET_KEYS.contains(&key) && has_text(item) {
            Value::String(MASK.into())
        } else {
            item_json(item, mask)
        };
        map.insert(key.to_string(), shown);
    }
    Value::Object(map)
}

fn has_text(item: &Item) -> bool {
    item.as_str().is_some_and(|text| !text.is_empty())
}

fn item_json(item: &Item, mask: bool) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(value) => value_json(value, mask),
        Item::Table(table) => table_json(table, mask),
        Item::ArrayOfTables(tables) => {
            Value::Array(tables.iter().map(|table| table_json(table, mask)).collect())
        }
    }
}

fn value_json(value: &toml_edit::Value, mask: bool) -> Value {
    use toml_edit::Value as V;
    match value {
        V::String(text) => Value::String(text.value().clone()),
        V::Integer(number) => Value::from(*number.value()),
        V::Float(number) => Value::from(*number.value()),
        V::Boolean(flag) => Value::Bool(*flag.value()),
        V::Datetime(when) => Value::String(when.value().to_string()),
        V::Array(list) => Value::Array(list.iter().map(|v| value_json(v, mask)).collect()),
        V::InlineTable(table) => table_json(table, mask),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEXT: &str = "[wurker]\nname = \"Wurker\"   # display name\nis_queen = true\n\n\
                        [ui]\nworkers = 3\nsecret_key = \"abc\"\n\n\
                        [remote_db]\ndbdriver = \"mysql\"\nurl = \"mysql://u:pw@db/w\"\n";

    #[test]
    fn get_selects_and_masks_secrets_in_tables() {
        let document = parse(TEXT, "f").unwrap();
        assert_eq!(
            get(&document, Some("wurker.name")).unwrap(),
            json!("Wurker")
        );
        assert_eq!(
            get(&document, Some("ui")).unwrap(),
            json!({"workers": 3, "secret_key": MASK})
        );
        assert_eq!(get(&document, Some("ui.secret_key")).unwrap(), json!("abc"));
        assert_eq!(
            get(&document, Some("remote_db")).unwrap(),
            json!({"dbdriver": "mysql", "url": MASK})
        );
        assert!(!get(&document, None).unwrap().to_string().contains("pw@"));
        assert_eq!(
            get(&document, None).unwrap()["wurker"]["is_queen"],
            json!(true)
        );
        let err = get(&document, Some("nope")).unwrap_err();
        assert_eq!(
            err,
            "Invalid 'table' argument 'nope': not found in config file"
        );
        assert!(
            get(&document, Some("wurker.nope"))
                .unwrap_err()
                .contains("'wurker.nope'")
        );
        assert!(
            get(&document, Some(".x"))
                .unwrap_err()
                .contains("without 'table'")
        );
    }

    #[test]
    fn set_keeps_types_and_comments_and_is_all_or_nothing() {
        let mut document = parse(TEXT, "f").unwrap();
        let pairs = [
            "wurker.name=Queen Bee".to_string(),
            "ui.workers=-2".to_string(),
        ];
        set(&mut document, &pairs).unwrap();
        let text = document.to_string();
        assert!(
            text.contains("name = \"Queen Bee\"   # display name"),
            "{text}"
        );
        assert!(text.contains("workers = -2"), "{text}");

        let mut document = parse(TEXT, "f").unwrap();
        let pairs = [
            "wurker.is_queen=0".to_string(),
            "ui.workers=many".to_string(),
        ];
        let err = set(&mut document, &pairs).unwrap_err();
        assert!(
            err.contains("ui.workers") && err.contains("whole number"),
            "{err}"
        );
        for bad in ["novalue", "a.b.c=1", "nope.x=1", "ui.nope=1"] {
            let mut document = parse(TEXT, "f").unwrap();
            assert!(set(&mut document, &[bad.to_string()]).is_err(), "{bad}");
        }
    }
}
