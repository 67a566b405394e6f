//! [`OciLimits`]: the bounds that keep a hostile or huge image from exhausting memory or time.

/// Limits applied while opening and reading an image. Exceeding one is
/// [`OciError::LimitExceeded`](crate::OciError::LimitExceeded), never a panic or an
/// unbounded allocation. The defaults suit real images of many GB.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OciLimits {
    /// Most uncompressed bytes one layer may have (default 64 GiB).
    pub max_layer_size: u64,
    /// Most uncompressed bytes per compressed byte, checked once a layer has produced
    /// [`ratio_grace`](OciLimits::ratio_grace) bytes (default 2000; gzip cannot exceed about
    /// 1032, so this only stops zstd bombs and never a real gzip layer).
    pub max_compression_ratio: u64,
    /// Uncompressed bytes a layer may produce before the ratio is checked (default 64 MiB).
    pub ratio_grace: u64,
    /// Most tar entries in all layers together, and most members of an archive (default 4 Mi).
    pub max_entries: u64,
    /// Most bytes of one extension header (PAX record set, GNU long name or link) (default
    /// 1 MiB). The `tar` crate would read these whole into memory; this reader refuses a larger
    /// one.
    pub max_header_size: u64,
    /// Longest entry name or link target in bytes (default 4096, Linux `PATH_MAX`).
    pub max_path_len: usize,
    /// Largest JSON document (index, manifest, config, `manifest.json`) (default 16 MiB).
    pub max_json_size: u64,
    /// Deepest nesting of image indexes (default 8).
    pub max_index_depth: u32,
    /// Most layers in one image (default 1000).
    pub max_layers: usize,
    /// Regular files of a *compressed* layer up to this size are kept in memory while
    /// indexing, so reading them later needs no decompression (default 64 KiB).
    pub inline_file_size: u64,
    /// Most bytes kept in memory that way, for the whole image (default 32 MiB). Past it,
    /// files are read by re-streaming their layer. The extended attributes of all entries
    /// (PAX `SCHILY.xattr.*` records, always held in memory) have a budget of the same size;
    /// past it the image is refused.
    pub inline_budget: u64,
    /// A file of a compressed layer up to this size is decompressed into memory when opened
    /// (sharing the layer's cursor); a larger one is streamed by a decoder of its own
    /// (default 64 MiB, [`DEFAULT_READ_LIMIT`](crate::DEFAULT_READ_LIMIT)).
    pub max_buffered_read: u64,
    /// Most bytes of re-streamed files kept for the next read of the same file (default
    /// 32 MiB).
    pub read_cache: u64,
}

impl Default for OciLimits {
    fn default() -> OciLimits {
        OciLimits {
            max_layer_size: 64 << 30,
            max_compression_ratio: 2000,
            ratio_grace: 64 << 20,
            max_entries: 4 << 20,
            max_header_size: 1 << 20,
            max_path_len: 4096,
            max_json_size: 16 << 20,
            max_index_depth: 8,
            max_layers: 1000,
            inline_file_size: 64 << 10,
            inline_budget: 32 << 20,
            max_buffered_read: 64 << 20,
            read_cache: 32 << 20,
        }
    }
}
