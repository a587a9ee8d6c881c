//! Model files (`classify_persist::ModelFile::from_bytes`, behind `classify predict --model`)
//! on arbitrary bytes: a typed error, or a model that
//! predicts on a row of its own width — never a panic or an allocation the input cannot back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = classify_persist::ModelFile::from_bytes(data) {
        let d = file.model.n_features();
        if d <= 1 << 16 {
            let row = ndarray::Array2::<u8>::zeros((1, d));
            if let Ok(c) = file.model.classifier() {
                let _ = c.predict((&row).into());
            }
            let _ = file.model.predict_proba((&row).into());
        }
    }
});
