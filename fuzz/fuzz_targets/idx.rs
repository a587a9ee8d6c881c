//! The IDX reader (plain and gzip) on arbitrary bytes: a typed error or an array whose size
//! matches its header, never a panic or an allocation the input cannot back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = classify_datasets::idx::read_idx_bytes(data) {
        let expected: usize = a.dims.iter().product();
        assert_eq!(a.data.len(), expected);
    }
});
