//! Reading Rust sources for the rules: files, the code that ships, literals and comments
//! told apart from code.

use std::path::{Path, PathBuf};

use super::read;

/// Every `.rs` file under `dir`, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a library source file that ships: the text before its `#[cfg(test)]` module.
pub fn shipped_code(path: &Path) -> String {
    let text = read(path);
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Rust source split into its code (comments and literals blanked, lines kept) and its
/// string literals (plain, byte and raw), each with its line.
pub fn split(src: &str) -> (String, Vec<(usize, String)>) {
    let b = src.as_bytes();
    let mut code = b.to_vec();
    let mut literals = Vec::new();
    let mut blank = |from: usize, to: usize| {
        for c in &mut code[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let line = |at: usize| src[..at].matches('\n').count() + 1;
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            blank(start, i);
        } else if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            blank(start, i);
        } else if b[i] == b'r'
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            && src[i + 1..].trim_start_matches('#').starts_with('"')
        {
            let hashes = src[i + 1..].len() - src[i + 1..].trim_start_matches('#').len();
            let body = i + 1 + hashes + 1;
            let end = format!("\"{}", "#".repeat(hashes));
            let stop = src[body..].find(&end).map_or(b.len(), |n| body + n);
            literals.push((line(i), src[body..stop].to_string()));
            i = stop + end.len();
            blank(start, i);
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            literals.push((line(i), src[i + 1..j.min(b.len())].to_string()));
            i = j + 1;
            blank(start, i);
        } else if b[i] == b'\'' {
            // A character literal ('"', '\'', 'x') is skipped whole; a lifetime is not one.
            let rest = &src[i + 1..];
            let len = if let Some(escaped) = rest.strip_prefix('\\') {
                escaped.find('\'').map(|n| n + 2)
            } else {
                rest.chars()
                    .next()
                    .filter(|_| rest.chars().nth(1) == Some('\''))
                    .map(char::len_utf8)
            };
            i += len.map_or(1, |n| n + 2);
            blank(start, i);
        } else {
            i += 1;
        }
    }
    (String::from_utf8(code).unwrap_or_default(), literals)
}

/// The string literals of Rust source, each with its line.
pub fn string_literals(src: &str) -> Vec<(usize, String)> {
    split(src).1
}

/// Each function of `code` (comments and literals blanked) with its length in lines, from the
/// line of `fn` to the line of its closing brace; declarations without a body are skipped.
pub fn function_lengths(code: &str) -> Vec<(String, usize)> {
    let b = code.as_bytes();
    let line = |at: usize| code[..at].matches('\n').count();
    let mut out = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
            continue;
        }
        let name: String = code[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue; // `fn(` types
        }
        // The body opens at the first `{` after the signature (no `;` before it).
        let rest = &code[at..];
        let (Some(open), semi) = (rest.find('{'), rest.find(';')) else {
            continue;
        };
        if semi.is_some_and(|s| s < open) {
            continue;
        }
        let mut depth = 0usize;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push((name.clone(), line(at + open + i) - line(at) + 1));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}
