//! E-mail parsing (MIME, encodings, HTML) and tokenisation on arbitrary bytes, with the
//! options taken from the first byte.
#![no_main]

use classify_preprocessing::{email_to_words, EmailOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, raw)) = data.split_first() else {
        return;
    };
    let bit = |i: u8| flags & (1 << i) != 0;
    let options = EmailOptions {
        strip_headers: bit(0),
        lower_case: bit(1),
        remove_punctuation: bit(2),
        replace_urls: bit(3),
        replace_numbers: bit(4),
        stem: bit(5),
    };
    let words = email_to_words(raw, &options);
    assert!(words.values().all(|&c| c > 0));
});
