//! Machine-readable renderings of lint diagnostics: a JSON array, GitHub
//! workflow annotations, SARIF 2.1.0. (The coloured human form belongs to
//! the command line.)

use serde_json::{Value, json};

use super::{Diagnostic, codes};
use crate::finding::Severity;

/// A diagnostic with its file and line/column (1-based; column counts bytes).
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub diagnostic: &'a Diagnostic,
}

/// The version of lint's JSON findings (`"schema_version"`): 1 since the
/// code's field was named `code` (it was `rule`, without a version).
pub const SCHEMA_VERSION: u32 = 1;

/// `--format json`: an array of findings.
pub fn json(items: &[Located<'_>]) -> String {
    if items.is_empty() {
        return "[]\n".into();
    }
    let mut s = String::from("[\n");
    for (i, l) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&json_item(l));
    }
    s.push_str("\n]\n");
    s
}

/// One finding of [`json`]'s array as it appears there (indented two
/// spaces, without a separator), so that the array can be written as
/// its findings come.
pub fn json_item(l: &Located<'_>) -> String {
    let d = l.diagnostic;
    let v = json!({
        "type": "finding",
        "schema_version": SCHEMA_VERSION,
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": l.file,
        "line": l.line,
        "column": l.column,
        "offset": d.offset,
        "length": d.len,
        "frame": d.frame,
        "path": d.path,
    });
    // Pretty JSON has no line end inside a string: each line is a member.
    let pretty = serde_json::to_string_pretty(&v).unwrap_or_default();
    let mut out = String::with_capacity(pretty.len() + 64);
    for (i, line) in pretty.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(line);
    }
    out
}

/// Escape workflow-command data (`%`, CR, LF) and, for properties, `:` and `,`.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

fn with_path(d: &Diagnostic) -> String {
    let frame = d.frame.map(|f| format!("frame {f}: ")).unwrap_or_default();
    if d.path.is_empty() {
        format!("{frame}{}", d.message)
    } else {
        format!("{frame}{} ({})", d.message, d.path)
    }
}

/// `--format github`: one workflow command per finding.
pub fn github(items: &[Located<'_>]) -> String {
    items.iter().map(github_item).collect()
}

/// One line of [`github`].
pub fn github_item(l: &Located<'_>) -> String {
    let d = l.diagnostic;
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    format!(
        "::{level} file={},line={},col={},title={}::{}\n",
        gh_escape(l.file, true),
        l.line,
        l.column,
        gh_escape(d.code, true),
        gh_escape(&with_path(d), false)
    )
}

/// `--format sarif`: a SARIF 2.1.0 log with one run.
pub fn sarif(items: &[Located<'_>], version: &str) -> String {
    let rules: Vec<Value> = codes()
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explain },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": [r.category.as_str()] },
            })
        })
        .collect();
    let results: Vec<Value> = items
        .iter()
        .map(|l| {
            let d = l.diagnostic;
            let mut region = json!({
                "startLine": l.line,
                "startColumn": l.column,
                "byteOffset": d.offset,
            });
            if d.len > 0 {
                region["byteLength"] = json!(d.len);
            }
            let mut r = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": with_path(d) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": l.file },
                        "region": region,
                    },
                    "logicalLocations": if d.path.is_empty() { json!([]) } else {
                        json!([{ "fullyQualifiedName": d.path }])
                    },
                }],
            });
            if let Some(i) = super::codes().iter().position(|x| x.id == d.code) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(f) = d.frame {
                r["properties"] = json!({ "frame": f });
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sipmsrp",
                "version": version,
                "informationUri": "https://www.rfc-editor.org/rfc/rfc3261",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag() -> Diagnostic {
        Diagnostic {
            code: "via-present",
            severity: Severity::Error,
            message: "Via kept, 100%".into(),
            offset: 10,
            len: 3,
            path: "part 1 > header Via".into(),
            frame: None,
        }
    }

    #[test]
    fn github_escapes_and_sarif_shape() {
        let d = diag();
        let l = Located {
            file: "a,b.msrp",
            line: 2,
            column: 5,
            diagnostic: &d,
        };
        assert_eq!(
            github(&[l]),
            "::error file=a%2Cb.msrp,line=2,col=5,title=via-present::Via kept, 100%25 (part 1 > header Via)\n"
        );
        let v: Value = serde_json::from_str(&sarif(&[l], "0.1.0")).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "via-present");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
            "via-present"
        );
        let j: Value = serde_json::from_str(&json(&[l])).unwrap();
        assert_eq!(j[0]["path"], "part 1 > header Via");
        assert_eq!(j[0]["frame"], Value::Null);
        // Written a finding at a time, the array is serde's own.
        let whole = serde_json::to_string_pretty(&Value::Array(vec![j[0].clone(), j[0].clone()]));
        assert_eq!(json(&[l, l]), whole.unwrap() + "\n");
        assert_eq!(json(&[]), "[]\n");
    }
}
