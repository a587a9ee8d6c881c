//! Importing a dataset folder: the input becomes the four MNIST-named files (split at 0xff 0x00
//! separators); the import must fail with a typed error or store files that load again.
#![no_main]

use classify_datasets::{catalogue, Cache};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ];
    let mut parts = data.split(|&b| b == 0xff);
    for name in names {
        let part = parts.next().unwrap_or(&[]);
        std::fs::write(dir.path().join(name), part).unwrap();
    }
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(cache_dir.path());
    let info = catalogue::find("mnist").unwrap();
    if cache.import(&info, dir.path(), &mut |_| {}).is_ok() {
        // What was accepted must load.
        cache.load(&info).unwrap();
    }
});
