//! JSON lines: one article object per line.

use std::path::Path;

use serde_json::{Map, Value};

use super::{clean, clean_time, Article, IngestError};

/// Reads every record of a JSON lines file; blank lines are skipped, and the first bad record
/// fails the file with its line number.
pub(super) fn parse(path: &Path, input: &str) -> Result<Vec<Article>, IngestError> {
    let mut articles = Vec::new();
    for (index, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = Record {
            path,
            line: index + 1,
        };
        articles.push(record.parse(line)?);
    }
    if articles.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(articles)
}

/// Where a record is, for error messages.
struct Record<'a> {
    path: &'a Path,
    line: usize,
}

impl Record<'_> {
    fn parse(&self, line: &str) -> Result<Article, IngestError> {
        let value: Value = serde_json::from_str(line).map_err(|e| self.malformed(&e))?;
        let Value::Object(object) = value else {
            return Err(IngestError::NotAnObject {
                path: self.path.to_path_buf(),
                line: self.line,
                found: kind(&value),
            });
        };
        let text = match object.get("text") {
            None | Some(Value::Null) => return Err(self.missing("text")),
            Some(Value::String(text)) if text.trim().is_empty() => {
                return Err(self.bad("text", "is empty".to_string()))
            }
            Some(Value::String(text)) => text.clone(),
            Some(other) => return Err(self.wrong_type("text", "a string", other)),
        };
        Ok(Article {
            text,
            title: self.string(&object, "title")?,
            url: self.string(&object, "url")?,
            source: self.string(&object, "source")?,
            author: self.author(&object)?,
            published: self
                .string(&object, "published")?
                .and_then(|v| clean_time(&v)),
            modified: self
                .string(&object, "modified")?
                .and_then(|v| clean_time(&v)),
            key: self.string(&object, "key")?,
        })
    }

    /// An optional string field; `null` and blank strings count as absent.
    fn string(
        &self,
        object: &Map<String, Value>,
        field: &'static str,
    ) -> Result<Option<String>, IngestError> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(clean(value)),
            Some(other) => Err(self.wrong_type(field, "a string", other)),
        }
    }

    /// `author`: a string, or an array of strings joined with `, `.
    fn author(&self, object: &Map<String, Value>) -> Result<Option<String>, IngestError> {
        const EXPECTED: &str = "a string or an array of strings";
        match object.get("author") {
            Some(Value::Array(items)) => {
                let mut names = Vec::new();
                for item in items {
                    match item {
                        Value::String(name) => names.extend(clean(name)),
                        other => return Err(self.wrong_type("author", EXPECTED, other)),
                    }
                }
                Ok(clean(&names.join(", ")))
            }
            Some(Value::String(_)) | Some(Value::Null) | None => self.string(object, "author"),
            Some(other) => Err(self.wrong_type("author", EXPECTED, other)),
        }
    }

    fn malformed(&self, error: &serde_json::Error) -> IngestError {
        // serde_json appends " at line L column C"; the position is given in front instead.
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message
            .strip_suffix(&suffix)
            .map_or(message.clone(), str::to_string);
        IngestError::MalformedJson {
            path: self.path.to_path_buf(),
            line: self.line,
            column: error.column(),
            message,
        }
    }

    fn missing(&self, field: &'static str) -> IngestError {
        IngestError::MissingField {
            path: self.path.to_path_buf(),
            line: self.line,
            field,
        }
    }

    fn bad(&self, field: &'static str, problem: String) -> IngestError {
        IngestError::BadField {
            path: self.path.to_path_buf(),
            line: self.line,
            field,
            problem,
        }
    }

    fn wrong_type(&self, field: &'static str, expected: &str, found: &Value) -> IngestError {
        self.bad(field, format!("must be {expected}, found {}", kind(found)))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
