//! The SpamAssassin tar.bz2 reader on arbitrary bytes: a typed error or checked messages.
#![no_main]

use classify_datasets::spam::{read_archive, SpamArchive};
use libfuzzer_sys::fuzz_target;

const SMALL: SpamArchive = SpamArchive {
    name: "fuzz.tar.bz2",
    spam: true,
    folder: "spam",
    messages: 2,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(mails) = read_archive(&SMALL, data) {
        assert_eq!(mails.len(), 2);
    }
});
