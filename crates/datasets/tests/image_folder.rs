//! Folders of images (`train/<class>/*.png|jpg`, `test/<class>/…`) read by the stated rule and
//! registered in the cache as IDX; bad folders refused with the file named, the cache unchanged.

use std::path::Path;

use classify_datasets::image_folder::{is_image_folder, read};
use classify_datasets::{load, Cache, Source};

/// Writes an `h × w` grey image whose pixels encode `seed`, as PNG or (`.jpg`) JPEG.
fn picture(path: &Path, [h, w]: [u32; 2], seed: u32) {
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([((x * 31 + y * 17 + seed * 7) % 256) as u8])
    });
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    img.save(path).unwrap();
}

/// `train/{circle,square}` with 3 and 2 images, `test` with one each, all `h × w`.
fn folder(dir: &Path, size: [u32; 2]) {
    for (part, counts) in [("train", [3, 2]), ("test", [1, 1])] {
        for (class, n) in ["square", "circle"].into_iter().zip(counts) {
            for i in 0..n {
                picture(
                    &dir.join(part).join(class).join(format!("{i}.png")),
                    size,
                    i,
                );
            }
        }
    }
}

#[test]
fn images_become_grey_idx_arrays_by_class_folder() {
    let tmp = tempfile::tempdir().unwrap();
    folder(tmp.path(), [12, 10]);
    assert!(is_image_folder(tmp.path()));
    let f = read(tmp.path(), None).unwrap();
    // Classes sorted by name: circle 0, square 1; images class by class, files by name.
    assert_eq!(f.classes, ["circle", "square"]);
    assert_eq!(f.train_images.dims, [5, 12, 10]);
    assert_eq!(f.train_labels.data, [0, 0, 1, 1, 1]);
    assert_eq!(f.test_labels.data, [0, 1]);
    // Pixel (x = 1, y = 0) of circle/1.png.
    assert_eq!(f.train_images.data[120 + 1], 31 + 7);
    // Resized to 8 × 8 on request (and a JPEG among them).
    picture(&tmp.path().join("train/square/9.jpg"), [20, 20], 3);
    let f = read(tmp.path(), Some([8, 8])).unwrap();
    assert_eq!(f.train_images.dims, [6, 8, 8]);
    // Registered: loads by name as an 8 × 8, 2-class dataset.
    let cache = Cache::new(tmp.path().join("cache"));
    let (info, _) = cache
        .register_image_folder("shapes", tmp.path(), Some([8, 8]), 42, &mut |_| {})
        .unwrap();
    assert_eq!(info.target_names, ["circle", "square"]);
    let data = load(&Source::Cached("shapes".into()), &cache).unwrap();
    assert_eq!(data.train.image_shape, Some([8, 8]));
    // Stored in the order of NumPy's `RandomState(42).permutation(6)`: [0, 1, 5, 2, 4, 3].
    let order = [0, 1, 5, 2, 4, 3];
    let shuffled: Vec<u8> = order
        .iter()
        .flat_map(|&i| f.train_images.data[i * 64..(i + 1) * 64].to_vec())
        .collect();
    assert_eq!(data.train.data.as_slice().unwrap(), &shuffled[..]);
    let labels: Vec<u8> = order.iter().map(|&i| f.train_labels.data[i]).collect();
    assert_eq!(data.train.target.to_vec(), labels);
}

#[test]
fn bad_image_folders_name_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    folder(tmp.path(), [12, 10]);
    let cache = Cache::new(tmp.path().join("cache"));
    let refused = |what: &str| {
        let err = read(tmp.path(), None).unwrap_err().to_string();
        assert!(err.contains(what), "{err}");
        assert!(cache
            .register_image_folder("shapes", tmp.path(), None, 42, &mut |_| {})
            .is_err());
        assert!(
            !cache.dataset_dir("shapes").exists(),
            "the cache is left as it was"
        );
    };
    // Mixed sizes with no size to resize them to.
    picture(&tmp.path().join("train/square/8.png"), [20, 20], 1);
    refused("8.png: 20x20 where the first image was 12x10; state one size");
    std::fs::remove_file(tmp.path().join("train/square/8.png")).unwrap();
    // A file that is not an image.
    std::fs::write(tmp.path().join("train/circle/notes.txt"), "hello").unwrap();
    refused("notes.txt: not a PNG or JPEG image");
    std::fs::remove_file(tmp.path().join("train/circle/notes.txt")).unwrap();
    // A damaged image.
    std::fs::write(
        tmp.path().join("train/circle/bad.png"),
        b"\x89PNG not really",
    )
    .unwrap();
    refused("bad.png");
    std::fs::remove_file(tmp.path().join("train/circle/bad.png")).unwrap();
    // A class folder with no images.
    std::fs::create_dir(tmp.path().join("test/triangle")).unwrap();
    refused("triangle");
    std::fs::remove_dir(tmp.path().join("test/triangle")).unwrap();
    std::fs::create_dir(tmp.path().join("train/triangle")).unwrap();
    refused("train/triangle: a class folder with no images");
    // A size of zero.
    assert!(read(tmp.path(), Some([0, 8])).is_err());
}
