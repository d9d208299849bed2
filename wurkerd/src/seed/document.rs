//! Reading one seed file into items: which key each item came from, its position and slug
//! (so that an error can name it), whether it deletes, and its fields. The fields themselves
//! are judged later by the same rules as `wurk add` and `wurk edit` (`crate::defs`).

use serde_json::{Map, Value};

use crate::input::{parse_document, type_name};

const KEYS: [&str; 4] = [
    "wurker_command",
    "wurker_cron",
    "wurker_bee",
    "wurker_bee_cron",
];

/// One Command, Cron or Bee of a seed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// How messages name the item: `wurker_bee #3 ('nightly')`.
    pub label: String,
    pub slug: String,
    /// `"delete": true`.
    pub delete: bool,
    /// The item's object without `delete`.
    pub fields: Value,
}

/// A parsed seed file, its items in file order per kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeedDocument {
    pub commands: Vec<Item>,
    pub crons: Vec<Item>,
    pub bees: Vec<Item>,
    /// Legacy `wurker_bee_cron` pairs naming Bees this file does not define: they remap Bees
    /// that already exist. Pairs for this file's own Bees are folded into them.
    pub remaps: Vec<(String, Option<String>)>,
}

impl SeedDocument {
    /// Parses a seed file's text.
    ///
    /// # Errors
    /// A message naming the key or item at fault (the caller prefixes the file).
    pub fn parse(text: &str) -> Result<Self, String> {
        let value = parse_document(text, "seed file").map_err(|err| err.message)?;
        let Value::Object(map) = value else {
            return Err(format!(
                "a seed file must hold a JSON object, not {}",
                type_name(&value)
            ));
        };
        if let Some(unknown) = map.keys().find(|key| !KEYS.contains(&key.as_str())) {
            return Err(format!(
                "unknown key '{unknown}'; a seed file may hold {}",
                KEYS.join(", ")
            ));
        }
        let mut document = Self {
            commands: items(&map, "wurker_command")?,
            crons: items(&map, "wurker_cron")?,
            bees: items(&map, "wurker_bee")?,
            remaps: Vec::new(),
        };
        if let Some(pairs) = map.get("wurker_bee_cron") {
            document.fold_bee_crons(pairs)?;
        }
        Ok(document)
    }

    /// Folds a legacy `{bee_slug: cron_slug}` map into this file's Bees that name no Cron;
    /// pairs for other Bees are kept as remaps of existing Bees.
    fn fold_bee_crons(&mut self, pairs: &Value) -> Result<(), String> {
        let Value::Object(pairs) = pairs else {
            return Err(format!(
                "'wurker_bee_cron' must be an object of Bee slug to Cron slug, not {}",
                type_name(pairs)
            ));
        };
        for (bee, cron) in pairs {
            let cron = match cron {
                Value::String(slug) => Some(slug.clone()),
                Value::Null => None,
                other => {
                    return Err(format!(
                        "wurker_bee_cron '{bee}' must name a Cron slug or be null, not {}",
                        type_name(other)
                    ));
                }
            };
            let own = self
                .bees
                .iter_mut()
                .find(|item| item.slug == *bee && !item.delete);
            match own.and_then(|item| item.fields.as_object_mut()) {
                Some(fields)
                    if !fields.contains_key("cron_slug") && !fields.contains_key("cron_id") =>
                {
                    fields.insert("cron_slug".into(), cron.map_or(Value::Null, Value::String));
                }
                Some(_) => {}
                None => self.remaps.push((bee.clone(), cron)),
            }
        }
        Ok(())
    }
}

fn items(map: &Map<String, Value>, key: &str) -> Result<Vec<Item>, String> {
    let Some(value) = map.get(key) else {
        return Ok(Vec::new());
    };
    let Value::Array(list) = value else {
        return Err(format!(
            "'{key}' must be a list of objects, not {}",
            type_name(value)
        ));
    };
    list.iter()
        .enumerate()
        .map(|(at, value)| item(key, at + 1, value))
        .collect()
}

fn item(key: &str, number: usize, value: &Value) -> Result<Item, String> {
    let Value::Object(fields) = value else {
        return Err(format!(
            "{key} #{number} must be an object, not {}",
            type_name(value)
        ));
    };
    let slug = match fields.get("slug") {
        Some(Value::String(slug)) if !slug.is_empty() => slug.clone(),
        Some(other) => {
            return Err(format!(
                "{key} #{number}: field 'slug' must be a non-empty string, not {}",
                type_name(other)
            ));
        }
        None => return Err(format!("{key} #{number}: field 'slug' is required")),
    };
    let label = format!("{key} #{number} ('{slug}')");
    let mut fields = fields.clone();
    let delete = match fields.remove("delete") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(other) => {
            return Err(format!(
                "{label}: field 'delete' must be true or false, not {}",
                type_name(&other)
            ));
        }
    };
    if delete && fields.len() > 1 {
        return Err(format!(
            "{label}: an item with \"delete\": true takes no other field than 'slug'"
        ));
    }
    Ok(Item {
        label,
        slug,
        delete,
        fields: Value::Object(fields),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_place_and_delete_flag() {
        let text = r#"{"wurker_bee": [{"slug": "a", "name": "A"}, {"slug": "b", "delete": true}]}"#;
        let document = SeedDocument::parse(text).unwrap();
        assert_eq!(document.bees.len(), 2);
        assert_eq!(document.bees[1].label, "wurker_bee #2 ('b')");
        assert!(document.bees[1].delete);
        assert_eq!(document.bees[1].fields, serde_json::json!({"slug": "b"}));
    }

    #[test]
    fn legacy_map_folds_into_own_bees_and_remaps_others() {
        let text = r#"{
            "wurker_bee": [{"slug": "a", "name": "A"}, {"slug": "b", "cron_slug": "x"}],
            "wurker_bee_cron": {"a": "hourly", "b": "daily", "old": null}
        }"#;
        let document = SeedDocument::parse(text).unwrap();
        assert_eq!(document.bees[0].fields["cron_slug"], "hourly");
        assert_eq!(document.bees[1].fields["cron_slug"], "x");
        assert_eq!(document.remaps, vec![("old".to_string(), None)]);
    }

    #[test]
    fn errors_name_the_key_or_item() {
        let cases = [
            (r#"{"wurker_bees": []}"#, "unknown key 'wurker_bees'"),
            (r#"{"wurker_cron": {}}"#, "'wurker_cron' must be a list"),
            (
                r#"{"wurker_cron": [{"name": "x"}]}"#,
                "wurker_cron #1: field 'slug'",
            ),
            (
                r#"{"wurker_bee": [{"slug": "a", "delete": "yes"}]}"#,
                "wurker_bee #1 ('a'): field 'delete'",
            ),
            (
                r#"{"wurker_bee": [{"slug": "a", "delete": true, "name": "A"}]}"#,
                "no other field",
            ),
            ("[1]", "must hold a JSON object"),
        ];
        for (text, expected) in cases {
            let err = SeedDocument::parse(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
