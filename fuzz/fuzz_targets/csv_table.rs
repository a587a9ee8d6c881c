//! The CSV table loader and the column transformer on arbitrary text.
#![no_main]

use classify_preprocessing::{ColumnTransformer, Group, HandleUnknown, Impute, Step, Table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = Table::from_csv(data) else {
        return;
    };
    let names = table.names().to_vec();
    for steps in [
        vec![Step::Impute(Impute::Median), Step::Scale],
        vec![
            Step::Impute(Impute::MostFrequent),
            Step::OneHot(HandleUnknown::Ignore),
        ],
        vec![Step::Impute(Impute::MostFrequent), Step::Ordinal],
    ] {
        let t = ColumnTransformer {
            groups: vec![Group {
                name: "g".into(),
                columns: names.clone(),
                steps,
            }],
        };
        if let Ok(f) = t.fit(&table) {
            if let Ok(x) = f.transform(&table) {
                assert_eq!(x.nrows(), table.n_rows());
                assert_eq!(x.ncols(), f.n_features());
            }
        }
    }
});
