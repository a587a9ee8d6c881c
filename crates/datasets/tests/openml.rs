//! `openml:<name or id>` against a local server answering as OpenML's API does (the real
//! service is not reachable from the machines these tests run on): the search, the
//! description, the ARFF file gzip-encoded; its MD5 checked; bad answers refused with the
//! cache unchanged.

mod server;

use std::collections::HashMap;

use classify_datasets::openml::{md5_hex, Arff};
use classify_datasets::{load, Cache, Source};
use server::{serve, Serve};

/// An ARFF file as OpenML serves one: a row id, 16 pixel attributes (4 × 4), an ignored
/// text attribute and a nominal class, `n` rows.
fn arff(n: usize, pixel: impl Fn(usize, usize) -> String) -> String {
    let mut text =
        String::from("% generated\n@RELATION 'tiny-digits'\n\n@ATTRIBUTE 'id' NUMERIC\n");
    for p in 0..16 {
        text.push_str(&format!("@ATTRIBUTE pixel{} NUMERIC\n", p + 1));
    }
    text.push_str("@ATTRIBUTE note STRING\n@ATTRIBUTE class {'0','1','2'}\n\n@DATA\n");
    for i in 0..n {
        let pixels: Vec<String> = (0..16).map(|p| pixel(i, p)).collect();
        text.push_str(&format!(
            "{i},{},'a, \\'b\\'',{}\n",
            pixels.join(","),
            i % 3
        ));
    }
    text
}

fn pixel(i: usize, p: usize) -> String {
    ((i * 37 + p * 11) % 256).to_string()
}

/// The routes of a dataset `tiny-digits` (id 4242) whose description gives `md5`.
fn routes(base: &str, data: &str, md5: &str) -> HashMap<String, Serve> {
    let search = format!(
        r#"{{"data":{{"dataset":[{{"did":4242,"name":"tiny-digits","version":1,"status":"active","format":"ARFF","md5_checksum":"{md5}","file_id":777}}]}}}}"#
    );
    let description = format!(
        r#"{{"data_set_description":{{"id":"4242","name":"tiny-digits","version":"1","description":"Tiny digits","format":"ARFF","licence":"CC0","url":"{base}/data/v1/download/777/tiny-digits.arff","file_id":"777","default_target_attribute":"class","row_id_attribute":"id","ignore_attribute":"note","status":"active","md5_checksum":"{md5}"}}}}"#
    );
    HashMap::from([
        (
            "/api/v1/json/data/list/data_name/tiny-digits/limit/2/status/active/".to_string(),
            Serve::Good(search.into_bytes()),
        ),
        (
            "/api/v1/json/data/4242".to_string(),
            Serve::Gzip(description.into_bytes()),
        ),
        (
            "/data/v1/download/777/tiny-digits.arff".to_string(),
            Serve::Gzip(data.as_bytes().to_vec()),
        ),
    ])
}

/// A server answering for `tiny-digits`; the description's data URL points at a second
/// server holding the same routes (OpenML serves data from another host, too).
fn server_with(data: &str, md5: &str) -> String {
    let data_server = serve(routes("http://unused", data, md5));
    serve(routes(&data_server, data, md5))
}

#[test]
fn a_dataset_by_name_or_id_is_checked_converted_and_cached() {
    let text = arff(40, pixel);
    let base = server_with(&text, &md5_hex(text.as_bytes()));
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::new(tmp.path());
    let (info, _) = cache
        .fetch_openml_from(&base, "tiny-digits", 42, &mut |_| {})
        .unwrap();
    assert_eq!(info.name, "openml-tiny-digits");
    assert_eq!(info.target_names, ["0", "1", "2"]);
    assert!(
        info.description.contains("OpenML dataset 4242"),
        "{}",
        info.description
    );
    let data = load(&Source::OpenMl("tiny-digits".into()), &cache).unwrap();
    assert_eq!(data.train.image_shape, Some([4, 4]));
    // 40 rows, not 70,000: train_test_split(test_size=0.25, random_state=42), 10 test rows.
    assert_eq!((data.train.n_samples(), data.test.n_samples()), (30, 10));
    let parsed = Arff::parse(&text).unwrap();
    assert_eq!(parsed.attributes.len(), 19);
    assert_eq!(parsed.n_rows(), 40);
    assert_eq!(parsed.values(0).unwrap()[17].as_deref(), Some("a, 'b'"));
    // The first test row is row `permutation(40)[0]` of the file: its pixels and label.
    let first = data.test.data.row(0).to_vec();
    let row = (0..40)
        .find(|&i| (0..16).all(|p| pixel(i, p) == first[p].to_string()))
        .unwrap();
    assert_eq!(usize::from(data.test.target[0]), row % 3);
    // By id, the search is skipped.
    let tmp2 = tempfile::tempdir().unwrap();
    let (info, _) = Cache::new(tmp2.path())
        .fetch_openml_from(&base, "4242", 42, &mut |_| {})
        .unwrap();
    assert_eq!(info.name, "openml-tiny-digits");
}

#[test]
fn bad_answers_are_refused_and_the_cache_is_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::new(tmp.path());
    let text = arff(40, pixel);
    let cases = [
        // A data file that is not the one described.
        (server_with(&text, &"0".repeat(32)), "tiny-digits", "MD5"),
        // Not an image: a fractional pixel.
        (
            {
                let odd = arff(40, |i, p| {
                    if i == 3 && p == 2 {
                        "0.5".into()
                    } else {
                        pixel(i, p)
                    }
                });
                server_with(&odd, &md5_hex(odd.as_bytes()))
            },
            "tiny-digits",
            "row 4: pixel3 is \"0.5\"",
        ),
        // A name OpenML does not know (the server answers 404).
        (server_with(&text, "x"), "no-such-data", "OpenML search"),
    ];
    for (base, spec, expected) in cases {
        let err = cache
            .fetch_openml_from(&base, spec, 42, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(load(&Source::OpenMl("tiny-digits".into()), &cache).is_err());
    }
}

#[test]
fn arff_parsing_refuses_what_it_cannot_read() {
    for (text, expected) in [
        (
            "@relation r\n@attribute a numeric\n@data\n{0 1}\n",
            "sparse rows",
        ),
        ("hello\n", "line 1: unexpected"),
        ("@relation r\n", "no @attribute"),
        (
            "@relation r\n@attribute a {x,y\n@data\n",
            "unterminated values",
        ),
    ] {
        let err = Arff::parse(text).unwrap_err().to_string();
        assert!(err.contains(expected), "{expected}: {err}");
    }
    // Rows are split when read.
    let arff = Arff::parse("@relation r\n@attribute a numeric\n@data\n1,2\n'x\n").unwrap();
    let err = arff.values(0).unwrap_err().to_string();
    assert!(err.contains("line 4: 2 values, 1 attributes"), "{err}");
    let err = arff.values(1).unwrap_err().to_string();
    assert!(err.contains("line 5: unterminated quote"), "{err}");
}
