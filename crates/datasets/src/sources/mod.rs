//! Where cached datasets come from: the catalogue of known datasets and their mirrors,
//! downloads, OpenML, folders registered under a name, the SpamAssassin e-mails and CSV
//! tables (Titanic).

pub mod catalogue;
mod deformed;
#[cfg(feature = "download")]
mod download;
pub mod openml;
mod registry;
pub mod spam;
pub mod tabular;

pub use deformed::DeformOptions;
