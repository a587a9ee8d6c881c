//! `classify data fetch spamassassin` and `classify spam` on a generated corpus laid out as
//! the real one (2,500 ham, 500 spam, `NNNNN.<md5>` names, a `cmds` file to skip).

use md5::{Digest, Md5};

use crate::util::classify;

fn archive(path: &std::path::Path, folder: &str, messages: &[String]) {
    let file = std::fs::File::create(path).unwrap();
    let bz = bzip2::write::BzEncoder::new(file, bzip2::Compression::fast());
    let mut tar = tar::Builder::new(bz);
    let mut add = |name: String, bytes: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, bytes).unwrap();
    };
    add(format!("{folder}/cmds"), b"mv 00001.x 00001.y\n");
    for (i, m) in messages.iter().enumerate() {
        let md5: String = Md5::digest(m.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        add(format!("{folder}/{:05}.{md5}", i + 1), m.as_bytes());
    }
    tar.into_inner().unwrap().finish().unwrap();
}

fn message(i: usize, spam: bool) -> String {
    let words = if spam {
        [
            "FREE money",
            "click http://win.example.com now",
            "offer",
            "cheap pills",
        ]
    } else {
        [
            "meeting notes",
            "the patch",
            "release schedule",
            "thanks for the review",
        ]
    };
    let html = i.is_multiple_of(3);
    let body = format!(
        "{} {} {} number {}",
        words[i % 4],
        words[(i + 1) % 4],
        words[(i + 2) % 4],
        i
    );
    if html {
        format!(
            "From: a{i}@x.org\nSubject: note {i}\nContent-Type: text/html\n\n<html><body><p>{body}</p></body></html>\n"
        )
    } else {
        format!("From: a{i}@x.org\nSubject: note {i}\n\n{body}\n")
    }
}

/// Writes a generated corpus (2,500 ham, 500 spam) as the two archives into `dir`.
pub fn corpus(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let ham: Vec<String> = (0..2500).map(|i| message(i, false)).collect();
    let spam: Vec<String> = (0..500).map(|i| message(i, true)).collect();
    archive(&dir.join("20030228_easy_ham.tar.bz2"), "easy_ham", &ham);
    archive(&dir.join("20030228_spam.tar.bz2"), "spam", &spam);
}

#[test]
fn spam_filter_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("corpus");
    corpus(&src);
    // Not fetched yet.
    let e = classify(tmp.path(), &["spam"]);
    assert!(e.err().contains("fetch spamassassin"), "{}", e.stderr);
    let f = classify(
        tmp.path(),
        &[
            "data",
            "fetch",
            "spamassassin",
            "--from",
            src.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    assert_eq!(
        (f["ham"].as_u64(), f["spam"].as_u64()),
        (Some(2500), Some(500))
    );
    let v = classify(tmp.path(), &["spam", "--json"]).json();
    assert_eq!(v["n_train"], 2400);
    assert_eq!(v["n_test"], 600);
    assert!(v["test_precision"].as_f64().unwrap() > 0.95, "{v}");
    assert!(v["test_recall"].as_f64().unwrap() > 0.95, "{v}");
    let words: Vec<&str> = v["top_words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(words.contains(&"NUMBER"), "{words:?}");
    // Subject and body by default: the senders' header lines ("From: a1@x.org") are not read.
    assert!(!words.contains(&"org"), "{words:?}");
    let v = classify(tmp.path(), &["spam", "--keep-headers", "--json"]).json();
    assert!(!v["options"]["strip_headers"].as_bool().unwrap(), "{v}");
    let words = v["top_words"].as_array().unwrap();
    assert!(words.iter().any(|w| w == "org"), "{words:?}");
    // A damaged archive is refused at import and nothing replaces the good one.
    std::fs::write(src.join("20030228_spam.tar.bz2"), b"BZh91AY&SY garbage").unwrap();
    classify(
        tmp.path(),
        &[
            "data",
            "fetch",
            "spamassassin",
            "--from",
            src.to_str().unwrap(),
        ],
    )
    .err();
    classify(tmp.path(), &["spam", "--json"]).json();
}
