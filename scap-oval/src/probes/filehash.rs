//! `ind:filehash58_object` and the deprecated `ind:filehash_object` (MD5 and SHA-1 only, in one
//! item per file): message digests of files (MD5, SHA-1, SHA-224, SHA-256, SHA-384,
//! SHA-512), the file streamed through [`Target::open`] in fixed-size chunks (no size limit,
//! constant memory), every requested digest computed in one pass.
//!
//! Items are as oscap 1.3.7 writes them: `filepath`, `path`, `filename`, `hash_type`, and `hash`
//! in lowercase hex. A file that cannot be read gives an item with status `error` (no `hash`)
//! and the object flag `error`. Files are reached inside the target: a symlink with an absolute
//! target is followed inside the root, where oscap follows it onto the scanning host.

use std::io::Read;
use std::path::Path;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use scap_probe::{FileType, Target};

use super::fileset::{Candidate, candidates};
use super::{Collection, ObjectRequest, Probe, flag_for};
use crate::items::{Item, ItemEntity};
use crate::types::{Flag, ItemStatus};

/// The filehash58 probe.
pub struct FileHash58Probe;

/// The `hash_type` values of the schema, in the order items are written.
const HASH_TYPES: [&str; 6] = ["MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"];

/// One running digest.
enum Hasher {
    Md5(Md5),
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    fn new(kind: &str) -> Option<Hasher> {
        Some(match kind {
            "MD5" => Hasher::Md5(Md5::new()),
            "SHA-1" => Hasher::Sha1(Sha1::new()),
            "SHA-224" => Hasher::Sha224(Sha224::new()),
            "SHA-256" => Hasher::Sha256(Sha256::new()),
            "SHA-384" => Hasher::Sha384(Sha384::new()),
            "SHA-512" => Hasher::Sha512(Sha512::new()),
            _ => return None,
        })
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn hex(self) -> String {
        let bytes: Vec<u8> = match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The lowercase hex digests of everything `reader` yields, one per hash type in `kinds`
/// (schema spelling: `MD5`, `SHA-1`, `SHA-224`, `SHA-256`, `SHA-384`, `SHA-512`); unknown
/// kinds are skipped.
pub(crate) fn digests<R: Read>(
    mut reader: R,
    kinds: &[&str],
) -> std::io::Result<Vec<(String, String)>> {
    let mut hashers: Vec<(String, Hasher)> = kinds
        .iter()
        .filter_map(|k| Hasher::new(k).map(|h| ((*k).to_owned(), h)))
        .collect();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or(&[]);
        for (_, h) in &mut hashers {
            h.update(chunk);
        }
    }
    Ok(hashers.into_iter().map(|(k, h)| (k, h.hex())).collect())
}

/// One regular file the object names, with its digests or why they could not be computed.
struct Hashed {
    filepath: String,
    path: String,
    filename: String,
    digests: Result<Vec<(String, String)>, String>,
}

impl Hashed {
    /// An item of `kind` starting with `filepath`, `path` and `filename`.
    fn item(&self, kind: &'static str) -> Item {
        let mut item = Item::new("independent", kind);
        item.push(ItemEntity::string("filepath", self.filepath.clone()));
        item.push(ItemEntity::string("path", self.path.clone()));
        item.push(ItemEntity::string("filename", self.filename.clone()));
        item
    }
}

/// The digests of `kinds` for every regular file the object's filepath or path and filename
/// select, or the collection to answer when they cannot be enumerated.
fn hash_files(
    target: &dyn Target,
    object: &ObjectRequest,
    kinds: &[&str],
) -> Result<Vec<Hashed>, Collection> {
    let files = candidates(target, object).map_err(|e| Collection::error(e.0))?;
    let mut out = Vec::new();
    for Candidate { path, filename } in files {
        let Some(filename) = filename else { continue };
        let filepath = super::fileset::join(&path, &filename);
        let p = Path::new(&filepath);
        match target.stat(p) {
            Ok(m) if m.file_type == FileType::Regular => {}
            _ => continue,
        }
        let digests = match target.open(p) {
            Ok(r) => digests(r, kinds).map_err(|e| format!("{filepath}: {e}")),
            // Gone since it was listed: skipped; unreadable: an item with status error.
            Err(e) => match flag_for(&e, Flag::Error) {
                (_, None) => continue,
                (_, Some(message)) => Err(message),
            },
        };
        out.push(Hashed {
            filepath,
            path,
            filename,
            digests,
        });
    }
    Ok(out)
}

/// The collection of `items`, flagged `error` with `messages` when a file could not be read.
fn finish(items: Vec<Item>, messages: Vec<String>) -> Collection {
    let mut c = Collection::from_items(items);
    if !messages.is_empty() {
        c.flag = Flag::Error;
        c.messages = messages;
    }
    c
}

impl Probe for FileHash58Probe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let Some(hash_type) = object.entity("hash_type") else {
            return Collection::error(format!("{}: no hash_type entity", object.id));
        };
        let mut kinds = Vec::new();
        for k in HASH_TYPES {
            match hash_type.matches(k) {
                Ok(true) => kinds.push(k),
                Ok(false) => {}
                Err(e) => return Collection::error(e.to_string()),
            }
        }
        let files = match hash_files(target, object, &kinds) {
            Ok(f) => f,
            Err(c) => return c,
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        for f in &files {
            match &f.digests {
                Ok(ds) => {
                    for (kind, hex) in ds {
                        let mut item = f.item("filehash58_item");
                        item.push(ItemEntity::string("hash_type", kind.clone()));
                        item.push(ItemEntity::string("hash", hex.clone()));
                        items.push(item);
                    }
                }
                Err(e) => {
                    for kind in &kinds {
                        let mut item = f.item("filehash58_item");
                        item.status = ItemStatus::Error;
                        item.push(ItemEntity::string("hash_type", *kind));
                        items.push(item);
                    }
                    messages.push(format!("Can't read {}: {e}", f.filepath));
                }
            }
        }
        finish(items, messages)
    }
}

/// The deprecated filehash probe (`filehash_object`): one `filehash_item` per file with its
/// `md5` and `sha1`, as oscap 1.3.7 writes it (`filepath`, `path`, `filename`, `md5`, `sha1`).
pub struct FileHashProbe;

impl Probe for FileHashProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        let files = match hash_files(target, object, &["MD5", "SHA-1"]) {
            Ok(f) => f,
            Err(c) => return c,
        };
        let mut items = Vec::new();
        let mut messages = Vec::new();
        for f in &files {
            let mut item = f.item("filehash_item");
            match &f.digests {
                Ok(ds) => {
                    for (kind, hex) in ds {
                        let name = if kind == "MD5" { "md5" } else { "sha1" };
                        item.push(ItemEntity::string(name, hex.clone()));
                    }
                }
                Err(e) => {
                    item.status = ItemStatus::Error;
                    messages.push(format!("Can't read {}: {e}", f.filepath));
                }
            }
            items.push(item);
        }
        finish(items, messages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    fn object(filepath: &str, op: Operation, kind: &str) -> ObjectRequest {
        let mut o = ObjectRequest::new("oval:t:obj:1", "filehash58_object");
        o.entities.push(RequestEntity::new(
            "filepath",
            Datatype::String,
            op,
            filepath,
        ));
        o.entities.push(RequestEntity::new(
            "hash_type",
            Datatype::String,
            Operation::Equals,
            kind,
        ));
        o
    }

    #[test]
    fn known_digests_of_abc() {
        // FIPS 180-4 / RFC 1321 test vectors for "abc".
        let d = digests(&b"abc"[..], &HASH_TYPES).unwrap();
        let want = [
            "900150983cd24fb0d6963f7d28e17f72",
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ];
        for ((kind, hex), (k, w)) in d.iter().zip(HASH_TYPES.iter().zip(want)) {
            assert_eq!(kind, k);
            assert_eq!(hex, w, "{k}");
        }
    }

    #[test]
    fn large_files_stream_in_chunks() {
        let big = vec![b'a'; 200_000];
        let whole = digests(&big[..], &["SHA-256"]).unwrap();
        let chained = digests(big[..100_000].chain(&big[100_000..]), &["SHA-256"]).unwrap();
        assert_eq!(whole, chained);
    }

    #[test]
    fn items_follow_links_inside_the_target() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/hello", "hello\n")
            .add_symlink("/etc/link", "/etc/hello");
        let c = FileHash58Probe.collect(&t, &object("/etc/link", Operation::Equals, "MD5"));
        assert_eq!(c.flag, Flag::Complete);
        let i = &c.items[0];
        let names: Vec<_> = i.entities.iter().map(|e| &*e.name).collect();
        assert_eq!(names, ["filepath", "path", "filename", "hash_type", "hash"]);
        assert_eq!(i.value("filename"), Some("link"));
        assert_eq!(i.value("hash"), Some("b1946ac92492d2347c6235b4d2611184"));
        let c = FileHash58Probe.collect(&t, &object("/etc/none", Operation::Equals, "MD5"));
        assert_eq!(c.flag, Flag::DoesNotExist);
        let c = FileHash58Probe.collect(&t, &object("/etc", Operation::Equals, "MD5"));
        assert_eq!(c.flag, Flag::DoesNotExist);
    }

    #[test]
    fn deprecated_filehash_object_gives_md5_and_sha1() {
        // oscap 1.3.7, filehash_object /etc/hello ("hello\n"), by filepath or by path and
        // filename: one filehash_item, md5 b1946ac9..., sha1 f572d396....
        let mut t = MemoryTarget::new();
        t.add_file("/etc/hello", "hello\n");
        let mut o = ObjectRequest::new("oval:t:obj:1", "filehash_object");
        o.entities.push(RequestEntity::new(
            "filepath",
            Datatype::String,
            Operation::Equals,
            "/etc/hello",
        ));
        let c = FileHashProbe.collect(&t, &o);
        assert_eq!(c.flag, Flag::Complete);
        let i = &c.items[0];
        let names: Vec<_> = i.entities.iter().map(|e| &*e.name).collect();
        assert_eq!(names, ["filepath", "path", "filename", "md5", "sha1"]);
        assert_eq!(i.value("md5"), Some("b1946ac92492d2347c6235b4d2611184"));
        assert_eq!(
            i.value("sha1"),
            Some("f572d396fae9206628714fb2ce00f72e94f2258f")
        );
        o.entities[0].values = vec!["/etc/none".into()];
        assert_eq!(FileHashProbe.collect(&t, &o).flag, Flag::DoesNotExist);
    }

    #[test]
    fn hash_type_pattern_selects_several() {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/hello", "hello\n");
        let mut o = object("/etc/hello", Operation::Equals, "MD5");
        o.entities[1] = RequestEntity::new(
            "hash_type",
            Datatype::String,
            Operation::PatternMatch,
            "^SHA-(256|512)$",
        );
        let c = FileHash58Probe.collect(&t, &o);
        let kinds: Vec<_> = c
            .items
            .iter()
            .filter_map(|i| i.value("hash_type"))
            .collect();
        assert_eq!(kinds, ["SHA-256", "SHA-512"]);
    }
}
