//! The modules of a crate and which use which: a crate's modules form layers, with no
//! circle of imports (a module may use the items of the modules above it in its own file
//! tree — a child its parent's — but no two modules use each other, directly or around).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::source::{rust_files, shipped_code, split};

/// A module's path inside its crate (`["neighbors", "search"]`), the crate root empty.
pub type ModPath = Vec<String>;

/// The modules of the crate at `dir` (its `src/` files) and, for each, the modules its
/// shipped code names, resolved through `pub use` re-exports.
pub fn graph(dir: &Path) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let src = dir.join("src");
    let files: BTreeMap<ModPath, String> = rust_files(&src)
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(&src).ok()?.with_extension("");
            let mut parts: ModPath = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            Some((parts, split(&shipped_code(&path)).0))
        })
        .collect();
    let modules: BTreeSet<ModPath> = files.keys().cloned().collect();
    let exports: BTreeMap<ModPath, BTreeMap<String, ModPath>> = files
        .iter()
        .map(|(m, code)| (m.clone(), reexports(m, code, &modules)))
        .collect();
    files
        .iter()
        .map(|(m, code)| {
            let mut targets = BTreeSet::new();
            for path in paths(code) {
                if let Some(t) = resolve(m, &path, &modules, &exports) {
                    if &t != m {
                        targets.insert(t);
                    }
                }
            }
            (m.clone(), targets)
        })
        .collect()
}

/// A circle of modules that use each other, leaving out a module's use of its own
/// ancestors (`super::Item`, `crate::helper` of the root): the first found, if any.
pub fn circle(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Option<Vec<ModPath>> {
    fn visit(
        m: &ModPath,
        graph: &BTreeMap<ModPath, BTreeSet<ModPath>>,
        state: &mut BTreeMap<ModPath, u8>,
        stack: &mut Vec<ModPath>,
    ) -> Option<Vec<ModPath>> {
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for t in graph.get(m).into_iter().flatten() {
            if m.starts_with(t) {
                continue; // an ancestor
            }
            match state.get(t).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == t).unwrap_or(0);
                    let mut found = stack[at..].to_vec();
                    found.push(t.clone());
                    return Some(found);
                }
                0 => {
                    if let Some(c) = visit(t, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if !state.contains_key(m) {
            if let Some(c) = visit(m, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Every path the code names from the crate's modules: `use` trees expanded
/// (`crate::a::{b, c::D}` gives `crate::a::b` and `crate::a::c::D`) and paths written inline
/// (`crate::cache::write(...)`, `super::Train`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("use ") {
        let starts_word = at == 0 || !is_ident(code.as_bytes()[at - 1]);
        if !starts_word {
            continue;
        }
        let Some(end) = code[at..].find(';') else {
            continue;
        };
        let tree: String = code[at + 4..at + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        expand("", &tree, &mut out);
    }
    for head in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(head) {
            if at > 0 && (is_ident(code.as_bytes()[at - 1]) || code.as_bytes()[at - 1] == b':') {
                continue;
            }
            let rest = &code[at..];
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            out.push(segments(rest[..len].trim_end_matches(':')));
        }
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .filter(|s| !s.is_empty())
        .map(|s| s.split(" as ").next().unwrap_or(s).to_string())
        .collect()
}

/// Expands a `use` tree (whitespace removed) under `prefix`.
fn expand(prefix: &str, tree: &str, out: &mut Vec<Vec<String>>) {
    let join = |p: &str, s: &str| {
        if p.is_empty() {
            s.to_string()
        } else {
            format!("{p}::{s}")
        }
    };
    match tree.find('{') {
        None => {
            let path = tree.split("as").next().unwrap_or(tree);
            out.push(segments(&join(prefix, path.trim_end_matches("::"))));
        }
        Some(open) => {
            let head = join(prefix, tree[..open].trim_end_matches("::"));
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut from = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand_item(&head, &inner[from..i], out);
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            expand_item(&head, &inner[from..], out);
        }
    }
}

fn expand_item(head: &str, item: &str, out: &mut Vec<Vec<String>>) {
    if item == "self" {
        out.push(segments(head));
    } else if !item.is_empty() {
        expand(head, item, out);
    }
}

/// The `pub use` re-exports of module `m`: item name → the module it comes from.
fn reexports(m: &ModPath, code: &str, modules: &BTreeSet<ModPath>) -> BTreeMap<String, ModPath> {
    let mut out = BTreeMap::new();
    for (at, _) in code.match_indices("pub use ") {
        let Some(end) = code[at..].find(';') else {
            continue;
        };
        let tree: String = code[at + 8..at + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut paths = Vec::new();
        expand("", &tree, &mut paths);
        for path in paths {
            let Some(item) = path.last() else {
                continue;
            };
            if let Some((module, _)) = module_of(m, &path, modules) {
                if &module != m {
                    out.insert(item.clone(), module);
                }
            }
        }
    }
    out
}

/// The deepest module `path` (written in module `m`) reaches, without re-exports, and the
/// index in `path` of the segment after it (the item named there, if any).
fn module_of(
    m: &ModPath,
    path: &[String],
    modules: &BTreeSet<ModPath>,
) -> Option<(ModPath, usize)> {
    let (mut at, mut next) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), 1),
        Some("super") => {
            let mut parent = m.clone();
            let mut i = 0;
            while path.get(i).map(String::as_str) == Some("super") {
                parent.pop();
                i += 1;
            }
            (parent, i)
        }
        Some("self") => (m.clone(), 1),
        Some(first) => {
            // A child module named without `self::` (2018 paths); anything else is
            // another crate.
            let mut child = m.clone();
            child.push(first.to_string());
            if !modules.contains(&child) {
                return None;
            }
            (m.clone(), 0)
        }
        None => return None,
    };
    while let Some(seg) = path.get(next) {
        let mut deeper = at.clone();
        deeper.push(seg.clone());
        if !modules.contains(&deeper) {
            break;
        }
        at = deeper;
        next += 1;
    }
    Some((at, next))
}

/// The module `path` (written in `m`) names, following a re-export of the module it
/// stops at when the next segment is an item that module re-exports.
fn resolve(
    m: &ModPath,
    path: &[String],
    modules: &BTreeSet<ModPath>,
    exports: &BTreeMap<ModPath, BTreeMap<String, ModPath>>,
) -> Option<ModPath> {
    let (at, next) = module_of(m, path, modules)?;
    let reexported = path.get(next).and_then(|item| exports.get(&at)?.get(item));
    Some(reexported.cloned().unwrap_or(at))
}
