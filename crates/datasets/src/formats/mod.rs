//! File formats, read and written with nothing of the cache or the datasets above them: IDX
//! (plain or gzip), decompressed copies of IDX files, CSVs of pixels, folders of images, a
//! user's PNG picture, NumPy's `.npy`.

pub mod idx;
pub mod idx_stream;
pub mod image_folder;
pub mod npy;
pub mod picture;
pub mod pixel_csv;
pub(crate) mod plain;
