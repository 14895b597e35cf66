//! The crate's module graph follows the layers of docs/architecture.md: a
//! module names (through `crate::` paths, `use` lists included, and the root
//! re-exports of src/lib.rs) only modules of its own layer or below. `error`
//! is the shared vocabulary and may also name the problem types of the
//! modules listed in [`ERROR_MAY_NAME`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layers from the bottom; the same table as docs/architecture.md.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "oid", "asn1", "ber", "base64", "pem", "time", "limits", "budget", "error",
        ],
    ),
    (
        "decoding",
        &[
            "decode",
            "keystone",
            "name",
            "extensions",
            "algorithm",
            "montgomery",
        ],
    ),
    ("certificates", &["cert"]),
    ("message and trust", &["signed_data", "trust", "bundle"]),
    (
        "orchestration",
        &[
            "verifier", "content", "files", "signer", "inspect", "interop",
        ],
    ),
    ("faces", &["ffi"]),
];

/// Modules above the foundation whose problem types `error` carries.
const ERROR_MAY_NAME: &[&str] = &["decode", "algorithm", "cert", "extensions"];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("bin") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/trust/path.rs` -> `trust`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_str()
        .unwrap();
    first.trim_end_matches(".rs").to_owned()
}

fn ident_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Names used right after `crate::`, expanding one level of `{a, b::c}`.
fn crate_paths(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            names.extend(inner.split(',').map(|p| ident_at(p.trim()).to_owned()));
        } else {
            names.push(ident_at(rest).to_owned());
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// Root names re-exported by src/lib.rs (`pub use module::{A, B}`) -> module.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let flat = lib.replace('\n', " ");
    for stmt in flat.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module = ident_at(rest).to_owned();
        let items = match rest.find('{') {
            Some(open) => rest[open + 1..].trim_end_matches('}').to_owned(),
            None => rest.rsplit("::").next().unwrap_or("").to_owned(),
        };
        for item in items.split(',') {
            let name = item.trim().rsplit("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                map.insert(name.to_owned(), module.clone());
            }
        }
    }
    map
}

#[test]
fn modules_import_only_their_layer_or_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for file in &files {
        let from = module_of(&src, file);
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests (`#[cfg(test)] mod tests`, last in a file) may use any
        // module; doc links and comments are not imports.
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(tests) => &text[..tests],
            None => &text[..],
        };
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for name in crate_paths(&code) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if rank(&to).is_some() && to != from {
                edges.insert((from.clone(), to));
            }
        }
    }
    let mut violations = Vec::new();
    for (from, to) in &edges {
        let from_rank = rank(from).unwrap_or_else(|| panic!("module {from} is in no layer"));
        let to_rank = rank(to).unwrap_or(0);
        let allowed = to_rank <= from_rank || (from == "error" && ERROR_MAY_NAME.contains(&&**to));
        if !allowed {
            violations.push(format!(
                "{from} ({}) names {to} ({})",
                LAYERS[from_rank].0, LAYERS[to_rank].0
            ));
        }
    }
    assert!(
        violations.is_empty(),
        "imports against docs/architecture.md:\n{}",
        violations.join("\n")
    );
    // The check sees the graph: the orchestration layer does use the lower ones.
    assert!(edges.contains(&("verifier".to_owned(), "trust".to_owned())));
    assert!(edges.contains(&("ffi".to_owned(), "verifier".to_owned())));
}

#[test]
fn every_module_has_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        let line = line.trim();
        // Module files only (`mod x;`), not inline modules.
        let Some(rest) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
            .filter(|rest| rest.ends_with(';'))
        else {
            continue;
        };
        let module = ident_at(rest);
        assert!(
            rank(module).is_some(),
            "module {module} is not in docs/architecture.md's layers"
        );
    }
}

#[test]
fn crate_paths_reads_use_lists() {
    assert_eq!(
        crate_paths("use crate::{cert::Certificate, oid};\nlet x = crate::time::now();"),
        ["cert", "oid", "time"]
    );
}

#[test]
fn the_table_matches_the_document() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    for (layer, modules) in LAYERS {
        let row = format!(
            "| {layer} | {} |",
            modules
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(
            doc.contains(&row),
            "docs/architecture.md lacks the row {row}"
        );
    }
}
