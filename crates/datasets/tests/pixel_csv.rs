//! CSV files of pixels (Kaggle's digit-recognizer layout) read by the stated rule and
//! registered in the cache as IDX; bad files refused with the file and line named, the cache
//! unchanged.

use std::path::Path;

use classify_datasets::pixel_csv::{is_pixel_csv, read};
use classify_datasets::{load, Cache, Source};

/// A CSV of `rows` (label first, then pixels) under a header `label,pixel0,…`.
fn csv(path: &Path, n_pixels: usize, rows: &[Vec<u32>], with_label: bool) {
    let mut text = String::new();
    let names: Vec<String> = (0..n_pixels).map(|i| format!("pixel{i}")).collect();
    if with_label {
        text.push_str("label,");
    }
    text.push_str(&names.join(","));
    text.push('\n');
    for row in rows {
        let cells: Vec<String> = row.iter().map(u32::to_string).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Six labelled 2 × 2 images: row `i` has label `i % 3` and pixels `10 i .. 10 i + 3`.
fn six() -> Vec<Vec<u32>> {
    (0..6u32)
        .map(|i| vec![i % 3, 10 * i, 10 * i + 1, 10 * i + 2, 10 * i + 3])
        .collect()
}

#[test]
fn one_labelled_file_is_split_as_train_test_split_with_the_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("digits.csv");
    csv(&file, 4, &six(), true);
    assert!(is_pixel_csv(&file));
    let set = read(&file, None, 42).unwrap();
    // NumPy's RandomState(42).permutation(6) is [0, 1, 5, 2, 4, 3]: ceil(6 / 4) = 2 test rows.
    assert_eq!(set.test_labels.data, [0, 1]);
    assert_eq!(set.test_images.dims, [2, 2, 2]);
    assert_eq!(set.test_images.data, [0, 1, 2, 3, 10, 11, 12, 13]);
    assert_eq!(set.train_labels.data, [2, 2, 1, 0]);
    assert_eq!(set.train_images.data[..4], [50, 51, 52, 53]);
    assert_eq!(set.classes, ["0", "1", "2"]);
    // A stated shape: 1 × 4 images.
    let set = read(&file, Some([1, 4]), 42).unwrap();
    assert_eq!(set.train_images.dims, [4, 1, 4]);
}

#[test]
fn kaggles_folder_uses_a_labelled_test_file_and_draws_from_train_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kaggle");
    csv(&dir.join("train.csv"), 4, &six(), true);
    // Kaggle's test.csv has no labels: it cannot be scored, the test rows come from train.
    let unlabelled: Vec<Vec<u32>> = six().into_iter().map(|r| r[1..].to_vec()).collect();
    csv(&dir.join("test.csv"), 4, &unlabelled, false);
    assert!(is_pixel_csv(&dir));
    let set = read(&dir, None, 42).unwrap();
    assert_eq!(set.test_labels.data, [0, 1]);
    // A labelled test.csv is the test set; the rows keep their file order.
    csv(&dir.join("test.csv"), 4, &six()[..2], true);
    let set = read(&dir, None, 42).unwrap();
    assert_eq!(set.train_labels.data, [0, 1, 2, 0, 1, 2]);
    assert_eq!(set.test_labels.data, [0, 1]);
    // Registered: loads by name as a 2 × 2, 3-class dataset.
    let cache = Cache::new(tmp.path().join("cache"));
    let (info, _) = cache
        .register_pixel_csv("tiny", &dir, None, 42, &mut |_| {})
        .unwrap();
    assert_eq!(info.target_names, ["0", "1", "2"]);
    let data = load(&Source::Cached("tiny".into()), &cache).unwrap();
    assert_eq!(data.train.image_shape, Some([2, 2]));
    assert_eq!(data.test.target.to_vec(), [0, 1]);
}

#[test]
fn bad_csv_files_name_the_file_and_line_and_leave_the_cache_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::new(tmp.path().join("cache"));
    let cases: [(&str, &str, &str); 7] = [
        (
            "letter.csv",
            "label,a,b,c,d\n1,2,3,4,5\n2,3,x,4,5\n",
            "line 3: b is \"x\"",
        ),
        ("short.csv", "label,a,b,c,d\n1,2,3,4,5\n2,3,4\n", "line 3"),
        (
            "big.csv",
            "label,a,b,c,d\n1,2,300,4,5\n2,1,1,1,1\n",
            "line 2: b is \"300\"",
        ),
        (
            "missing.csv",
            "label,a,b,c,d\n1,2,,4,5\n2,1,1,1,1\n",
            "line 2: b is \"\"",
        ),
        ("nolabel.csv", "a,b,c,d\n1,2,3,4\n", "no `label` column"),
        (
            "odd.csv",
            "label,a,b,c\n1,2,3,4\n2,1,1,1\n",
            "not a square image",
        ),
        (
            "one.csv",
            "label,a,b,c,d\n1,2,3,4,5\n",
            "each part needs at least one",
        ),
    ];
    for (name, text, expected) in cases {
        let file = tmp.path().join(name);
        std::fs::write(&file, text).unwrap();
        let err = cache
            .register_pixel_csv("bad", &file, None, 42, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
        assert!(
            load(&Source::Cached("bad".into()), &cache).is_err(),
            "{name}"
        );
    }
    let file = tmp.path().join("letter.csv");
    std::fs::write(&file, "label,a,b,c,d\n1,2,3,4,5\n2,3,3,4,5\n").unwrap();
    let err = read(&file, Some([3, 3]), 42).unwrap_err().to_string();
    assert!(
        err.contains("4 pixel columns, but a 3x3 image holds 9"),
        "{err}"
    );
}
