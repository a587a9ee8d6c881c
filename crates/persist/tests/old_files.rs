//! Model files written by an earlier release (format version 2, binary and JSON) still load
//! and score the test images as they did then (`scripts/model_file_fixtures.sh` wrote them
//! and what each scored).

use std::path::Path;

use classify_persist::ModelFile;

#[test]
fn files_of_an_earlier_release_load_and_predict_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures");
    let digits = classify_datasets::load_idx_folder(&root.join("../../tests/fixtures/digits8x8"))
        .expect("the 8 × 8 digits fixture");
    let truth: Vec<usize> = digits.test.labels();
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(fixtures.join("expected.json")).unwrap()).unwrap();
    assert_eq!(expected.len(), 5);
    for (name, accuracy) in expected {
        let file = ModelFile::load(&fixtures.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.trained.dataset, "digits8x8", "{name}");
        assert_eq!(file.trained.image_shape, [8, 8], "{name}");
        let pred = file
            .model
            .classifier()
            .unwrap()
            .predict((&digits.test.data).into())
            .unwrap();
        let right = pred.iter().zip(&truth).filter(|(p, t)| p == t).count();
        assert_eq!(
            right as f64 / truth.len() as f64,
            accuracy.as_f64().unwrap(),
            "{name}: {}",
            file.model.describe()
        );
    }
}
