//! Large byte buffers backed by transparent huge pages where the OS offers them.
//!
//! Training loops that visit rows or columns in data-dependent order (SGD epochs, tree nodes
//! gathering one feature for their samples) pay a TLB miss per access on 4 KiB pages once the
//! data outgrows the TLB's reach; 2 MiB pages remove most of them. Linux gives anonymous
//! memory huge pages only when asked (`madvise`), which `memmap2` does without unsafe code.

use std::ops::{Deref, DerefMut};

/// Buffers smaller than this stay on the heap (the TLB covers them).
pub(crate) const HUGE_PAGE_MIN_BYTES: usize = 8 << 20;

/// Zeroed bytes, in huge pages when large enough and the OS allows.
pub(crate) enum HugeBytes {
    Mapped(memmap2::MmapMut),
    Heap(Vec<u8>),
}

impl HugeBytes {
    /// `len` zero bytes.
    pub(crate) fn zeroed(len: usize) -> HugeBytes {
        if len >= HUGE_PAGE_MIN_BYTES {
            if let Ok(buf) = memmap2::MmapMut::map_anon(len) {
                #[cfg(unix)]
                let _ = buf.advise(memmap2::Advice::HugePage);
                return HugeBytes::Mapped(buf);
            }
        }
        HugeBytes::Heap(vec![0; len])
    }
}

impl Deref for HugeBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            HugeBytes::Mapped(m) => m,
            HugeBytes::Heap(v) => v,
        }
    }
}

impl DerefMut for HugeBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            HugeBytes::Mapped(m) => m,
            HugeBytes::Heap(v) => v,
        }
    }
}
