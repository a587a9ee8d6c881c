//! The binary format's constants: what a header holds and which versions are read.

/// The first eight bytes of a binary model file.
pub const MAGIC: &[u8; 8] = b"CLASSIFY";
/// The binary format's version written (the JSON files of earlier releases are version 1;
/// version 3 added trees' node statistics).
pub const VERSION: u16 = 3;
/// The binary versions read: 2 (trees and forests converted, without node statistics) and 3.
pub const READ_VERSIONS: [u16; 2] = [2, 3];
/// The JSON format's name, in its `format` field.
pub const JSON_FORMAT: &str = "classify-model/1";
/// Magic, version, kind, a reserved byte, payload length, CRC-32.
pub const HEADER_LEN: usize = 8 + 2 + 1 + 1 + 8 + 4;
