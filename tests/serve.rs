//! `classify serve`: the page, predictions of pictures posted to it, bad requests answered
//! with 4xx while the server stays up, and a few thousand requests from four threads, none
//! lost. (Drawing on the page in a browser is `cargo xtask serve-check`.)

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use crate::util::classify;

/// The server process, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &std::path::Path, args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_classify"))
        .args(["serve", "--port", "0", "--quiet"])
        .args(args)
        .env("CLASSIFY_DATA", data_dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Server { child, url }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(30))
        .build()
}

/// The status and JSON body of a POST of `body` to `path`.
fn post(url: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let answer = match agent().post(url).send_bytes(body) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    let status = answer.status();
    let mut text = String::new();
    answer.into_reader().read_to_string(&mut text).unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

fn get_status(url: &str) -> u16 {
    match agent().get(url).call() {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{url}: {e}"),
    }
}

/// Test image 3 of the embedded sample written as `three.png` in `dir`, and what
/// `classify data show --json` said about it.
fn test_three(dir: &std::path::Path) -> (std::path::PathBuf, serde_json::Value) {
    let picture = dir.join("three.png");
    let args = ["data", "show", "--test", "--index", "3", "--out"];
    let mut args: Vec<&str> = args.to_vec();
    args.extend([picture.to_str().unwrap(), "--json"]);
    let shown = classify(dir, &args).json();
    (picture, shown)
}

#[test]
fn the_page_predicts_posted_pictures_and_refuses_bad_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let (picture, shown) = test_three(tmp.path());
    let server = start(tmp.path(), &[]);
    let page = agent()
        .get(&server.url)
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(page.contains("<canvas id=\"pad\""));
    let png = std::fs::read(&picture).unwrap();
    let predict = format!("{}predict", server.url);
    let (status, answer) = post(&predict, &png);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["predicted"], shown["label"]);
    assert_eq!(answer["preparation"], "as-is");
    assert_eq!(answer["prepared"].as_array().unwrap().len(), 784);
    assert_eq!(answer["neighbours"].as_array().unwrap().len(), 5);
    let p: f64 = answer["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((p - 1.0).abs() < 1e-9);
    // Bad requests: 4xx with the reason, and the server still answers.
    let (status, answer) = post(&predict, b"not a picture");
    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("PNG"),
        "{answer}"
    );
    let (status, _) = post(&predict, &vec![0u8; 3 << 20]);
    assert_eq!(status, 413);
    assert_eq!(get_status(&format!("{}nowhere", server.url)), 404);
    assert_eq!(get_status(&predict), 405);
    // A blank drawing has nothing to prepare.
    let blank = tmp.path().join("blank.png");
    image::GrayImage::from_pixel(100, 80, image::Luma([255]))
        .save(&blank)
        .unwrap();
    let (status, answer) = post(&predict, &std::fs::read(&blank).unwrap());
    assert_eq!(status, 400, "{answer}");
    // 2,000 requests from four threads at once: every one answered, all alike.
    let answered: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..500)
                        .filter(|_| {
                            let (status, a) = post(&predict, &png);
                            status == 200 && a["predicted"] == shown["label"]
                        })
                        .count()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(answered, 2000);
    assert_eq!(get_status(&server.url), 200);
}

#[test]
fn a_saved_model_is_served_and_a_bad_one_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("sgd.classify");
    classify(
        tmp.path(),
        &[
            "train",
            "--model",
            "sgd",
            "--train",
            "2000",
            "--save",
            model.to_str().unwrap(),
            "--quiet",
        ],
    )
    .ok();
    let server = start(tmp.path(), &["--model", model.to_str().unwrap()]);
    let about = agent()
        .get(&format!("{}about", server.url))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let about: serde_json::Value = serde_json::from_str(&about).unwrap();
    assert_eq!(about["model"], "SGD (hinge loss)");
    // Its nearest training images come from an index of --dataset's images.
    let (picture, _) = test_three(tmp.path());
    let (status, answer) = post(
        &format!("{}predict", server.url),
        &std::fs::read(&picture).unwrap(),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["neighbours"].as_array().unwrap().len(), 5);
    assert!(answer["probabilities"].is_null());
    let bad = tmp.path().join("bad.classify");
    std::fs::write(&bad, b"nothing").unwrap();
    let run = classify(tmp.path(), &["serve", "--model", bad.to_str().unwrap()]);
    assert!(
        run.err().contains("not a usable classify model file"),
        "{}",
        run.stderr
    );
}
