//! `classify serve`: a local web page with a canvas to draw a digit on. Each stroke sends the
//! drawing as a PNG to `POST /predict`, prepared as `classify predict` prepares a picture; the
//! answer (JSON) holds the prepared image, the predicted class, the class probabilities and
//! the nearest training images, which the page draws.
//!
//! On `tiny_http` (a small synchronous HTTP/1.1 server): requests are answered by a few
//! worker threads sharing the model read-only.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use classify_datasets::picture::Preparation;
use classify_models::{Estimator, Features, KNeighbors, KNeighborsClassifier};
use classify_persist::{ModelFile, Trained};
use classify_workflow::{Model, ModelKind};
use ndarray::Array2;
use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::args::Common;
use crate::data::load;
use crate::output;
use crate::predict::{load_model, picture_input};

/// The page.
const PAGE: &str = include_str!("serve.html");
/// The largest PNG `POST /predict` reads (a 280 × 280 drawing is about 10 kB).
const MAX_BODY: u64 = 2 << 20;
/// Worker threads answering requests.
const WORKERS: usize = 4;

/// What the server holds: the model, and the training images for the nearest ones.
struct State {
    file: ModelFile,
    class_names: Vec<String>,
    /// What finds the nearest training images (none when their shape is not the model's).
    nearest: Option<Nearest>,
    /// The training images and labels of --dataset.
    train: (Array2<u8>, Vec<u8>),
}

/// The search for the nearest training images.
enum Nearest {
    /// The served model, a k-NN trained on --dataset's images at start.
    Model,
    /// A k-NN index of --dataset's images, beside a model of another kind or origin.
    Index(KNeighbors),
}

#[derive(Serialize)]
struct About<'a> {
    dataset: &'a str,
    n_train: usize,
    model: String,
    image_shape: [usize; 2],
}

#[derive(Serialize)]
struct Neighbour {
    index: usize,
    label: u8,
    pixels: Vec<u8>,
}

#[derive(Serialize)]
struct Answer {
    predicted: usize,
    predicted_name: String,
    class_names: Vec<String>,
    probabilities: Option<Vec<f64>>,
    shape: [usize; 2],
    prepared: Vec<u8>,
    inverted: bool,
    preparation: Preparation,
    neighbours: Vec<Neighbour>,
}

/// Loads or trains the model and the nearest-image index.
fn state(common: &Common, model: Option<&Path>) -> anyhow::Result<State> {
    let data = load(common)?;
    let shape = data.train.image_shape.unwrap_or([28, 28]);
    let file = match model {
        Some(path) => load_model(path)?,
        None => {
            let y: Vec<usize> = data.train.labels();
            let model = Model::standalone(ModelKind::Knn, common.seed)
                .fit_any((&data.train.data).into(), &y)?;
            ModelFile {
                trained: Trained {
                    dataset: data.name.clone(),
                    n_train: y.len(),
                    image_shape: shape,
                },
                model,
            }
        }
    };
    // The nearest images come from --dataset when its images have the model's shape: searched
    // by the model itself when it is the k-NN trained on them here, else by an index of them.
    let nearest = if shape != file.trained.image_shape {
        None
    } else if model.is_none() && file.model.as_knn().is_some() {
        Some(Nearest::Model)
    } else {
        let y: Vec<usize> = data.train.labels();
        Some(Nearest::Index(
            KNeighborsClassifier::default().fit((&data.train.data).into(), &y)?,
        ))
    };
    let classes = file.model.classifier()?.classes().to_vec();
    let class_names = classes
        .iter()
        .map(|&c| {
            data.train
                .target_names
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_string())
        })
        .collect();
    Ok(State {
        file,
        class_names,
        nearest,
        train: (data.train.data, data.train.target.to_vec()),
    })
}

pub fn serve(common: &Common, model: Option<&Path>, host: &str, port: u16) -> anyhow::Result<()> {
    let state = Arc::new(state(common, model)?);
    let server = Server::http((host, port))
        .map_err(|e| anyhow::anyhow!("listening on {host}:{port}: {e}"))?;
    let addr = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let url = format!("http://{addr}/");
    if common.json {
        output::json(&serde_json::json!({ "url": url }))?;
    } else {
        println!("classify serve: open {url} (Ctrl-C stops)");
    }
    use std::io::Write;
    std::io::stdout().flush()?;
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, state) = (Arc::clone(&server), Arc::clone(&state));
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    // A client that left before its answer loses nothing of ours.
                    let _ = answer(&state, request);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

fn json_header() -> Header {
    Header::from_bytes("Content-Type", "application/json").expect("a valid header")
}

/// A JSON error answer with `status`.
fn error(request: Request, status: u16, message: &str) -> std::io::Result<()> {
    let body = serde_json::json!({ "error": message }).to_string();
    request.respond(
        Response::from_string(body)
            .with_status_code(status)
            .with_header(json_header()),
    )
}

fn answer(state: &State, mut request: Request) -> std::io::Result<()> {
    let path = request.url().split('?').next().unwrap_or("/").to_string();
    match (request.method(), path.as_str()) {
        (Method::Get, "/") => {
            let html = Header::from_bytes("Content-Type", "text/html; charset=utf-8")
                .expect("a valid header");
            request.respond(Response::from_string(PAGE).with_header(html))
        }
        (Method::Get, "/about") => {
            let t = &state.file.trained;
            let about = About {
                dataset: &t.dataset,
                n_train: t.n_train,
                model: state.file.model.describe(),
                image_shape: t.image_shape,
            };
            let body = serde_json::to_string(&about).unwrap_or_default();
            request.respond(Response::from_string(body).with_header(json_header()))
        }
        (Method::Post, "/predict") => {
            if request.body_length().is_some_and(|n| n as u64 > MAX_BODY) {
                return error(request, 413, "the picture is larger than 2 MiB");
            }
            let mut body = Vec::new();
            let read = request
                .as_reader()
                .take(MAX_BODY + 1)
                .read_to_end(&mut body);
            if read.is_err() {
                return error(request, 400, "the body could not be read");
            }
            if body.len() as u64 > MAX_BODY {
                return error(request, 413, "the picture is larger than 2 MiB");
            }
            match predict(state, &body) {
                Ok(a) => {
                    let body = serde_json::to_string(&a).unwrap_or_default();
                    request.respond(Response::from_string(body).with_header(json_header()))
                }
                Err(e) => error(request, 400, &crate::errors::message(&e)),
            }
        }
        (_, "/" | "/about" | "/predict") => error(request, 405, "method not allowed"),
        _ => error(request, 404, "no such page"),
    }
}

/// The model's answer for a PNG.
fn predict(state: &State, png: &[u8]) -> anyhow::Result<Answer> {
    let shape = state.file.trained.image_shape;
    let (x, prepared) = picture_input(png, shape, || "not a readable PNG".to_string())?;
    let features: Features<'_> = (&x).into();
    let model = &state.file.model;
    let predicted = model.classifier()?.predict(features)?[0];
    let classes = model.classifier()?.classes();
    let at = classes.iter().position(|&c| c == predicted).unwrap_or(0);
    let index = match &state.nearest {
        Some(Nearest::Model) => model.as_knn(),
        Some(Nearest::Index(m)) => Some(m),
        None => None,
    };
    let neighbours = match index {
        Some(index) => {
            let (images, labels) = &state.train;
            let found = index.kneighbors(features, 5)?;
            found
                .indices
                .row(0)
                .iter()
                .map(|&i| Neighbour {
                    index: i,
                    label: labels[i],
                    pixels: images.row(i).to_vec(),
                })
                .collect()
        }
        None => Vec::new(),
    };
    Ok(Answer {
        predicted,
        predicted_name: state.class_names[at].clone(),
        class_names: state.class_names.clone(),
        probabilities: model.predict_proba(features)?.map(|p| p.row(0).to_vec()),
        shape,
        prepared: x.row(0).to_vec(),
        inverted: prepared.inverted,
        preparation: prepared.preparation,
        neighbours,
    })
}
