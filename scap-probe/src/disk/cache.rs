//! A small least-recently-used cache of decoded blocks (qcow2 L2 tables and compressed
//! clusters), bounded by total bytes so a hostile cluster size cannot make it grow.

use std::sync::{Arc, Mutex};

/// Entries are few (tens): a linear scan of a `Vec` beats hashing at this size.
pub(crate) struct Lru<T> {
    inner: Mutex<Vec<(u64, Arc<T>, usize)>>,
    max_bytes: usize,
}

impl<T> Lru<T> {
    pub(crate) fn new(max_bytes: usize) -> Lru<T> {
        Lru {
            inner: Mutex::new(Vec::new()),
            max_bytes,
        }
    }

    /// The value for `key`, made by `make` (returning it and its size in bytes) on a miss.
    pub(crate) fn get_or<E>(
        &self,
        key: u64,
        make: impl FnOnce() -> Result<(T, usize), E>,
    ) -> Result<Arc<T>, E> {
        {
            let mut v = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(i) = v.iter().position(|e| e.0 == key) {
                let e = v.remove(i);
                let out = Arc::clone(&e.1);
                v.push(e);
                return Ok(out);
            }
        }
        // Made outside the lock: another thread may make the same entry meanwhile, which
        // only costs the work twice.
        let (value, bytes) = make()?;
        let value = Arc::new(value);
        let mut v = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut total: usize = v.iter().map(|e| e.2).sum::<usize>() + bytes;
        while total > self.max_bytes && !v.is_empty() {
            let old = v.remove(0);
            total -= old.2;
        }
        if bytes <= self.max_bytes {
            v.push((key, Arc::clone(&value), bytes));
        }
        Ok(value)
    }
}
