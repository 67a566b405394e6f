//! `unix:password_object` and `unix:shadow_object`: `/etc/passwd` and `/etc/shadow` of the
//! target.
//!
//! Shadow items are what oscap 1.3.7 writes from glibc's `getspent`: an empty numeric field
//! (`chg_lst`, `chg_allow`, `chg_req`, `exp_warn`, `exp_inact`, `exp_date`) is `-1`, an empty
//! `flag` is `18446744073709551615` (the unsigned -1), and `encrypt_method` follows the hash
//! prefix: `$1$` MD5, `$2$`/`$2a$` Blowfish, `$5$` SHA-256, `$6$` SHA-512, `$md5$` Sun MD5,
//! `_` BSDi, any other `$id$` (yescrypt's `$y$`, `$2b$`) no `encrypt_method` entity, and
//! anything else (`*`, `!`, an empty password) DES. A line whose numeric field is not a number
//! is skipped, as glibc skips it.

use std::path::Path;

use scap_probe::Target;

use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};
use crate::types::Flag;

/// The password probe.
pub struct PasswordProbe;

/// The shadow probe.
pub struct ShadowProbe;

fn records(
    target: &dyn Target,
    object: &ObjectRequest,
    file: &str,
    min_fields: usize,
    build: impl Fn(&[&str]) -> Option<Item>,
) -> Collection {
    let Some(username) = object.entity("username") else {
        return Collection::error(format!("{}: no username entity", object.id));
    };
    let bytes = match target.read(Path::new(file), MAX_FILE_SIZE) {
        Ok(b) => b,
        Err(e) => return Collection::from_error(&e, Flag::NotCollected),
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut items = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() < min_fields || fields[0].is_empty() || line.starts_with('#') {
            continue;
        }
        match username.matches(fields[0]) {
            Ok(true) => items.extend(build(&fields)),
            Ok(false) => {}
            Err(e) => return Collection::error(e.to_string()),
        }
    }
    Collection::from_items(items)
}

impl Probe for PasswordProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        records(target, object, "/etc/passwd", 7, |f| {
            let mut item = Item::new("unix", "password_item");
            item.push(ItemEntity::string("username", f[0]));
            let mut pw = ItemEntity::string("password", f[1]);
            pw.mask = true;
            item.push(pw);
            item.push(ItemEntity::int("user_id", f[2]));
            item.push(ItemEntity::int("group_id", f[3]));
            item.push(ItemEntity::string("gcos", f[4]));
            item.push(ItemEntity::string("home_dir", f[5]));
            item.push(ItemEntity::string("login_shell", f[6]));
            item.push(ItemEntity::int("last_login", 0));
            Some(item)
        })
    }
}

impl Probe for ShadowProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        records(target, object, "/etc/shadow", 9, |f| {
            let mut numbers = Vec::with_capacity(6);
            for v in &f[2..8] {
                // glibc: an empty field is -1; anything but a number rejects the line.
                numbers.push(if v.is_empty() {
                    Some(-1)
                } else {
                    v.parse::<i64>().ok()
                });
            }
            let flag = if f[8].is_empty() {
                Some(u64::MAX)
            } else {
                f[8].parse::<u64>().ok()
            };
            let (Some(numbers), Some(flag)) =
                (numbers.into_iter().collect::<Option<Vec<i64>>>(), flag)
            else {
                return None;
            };
            let mut item = Item::new("unix", "shadow_item");
            item.push(ItemEntity::string("username", f[0]));
            let mut pw = ItemEntity::string("password", f[1]);
            pw.mask = true;
            item.push(pw);
            let names = [
                "chg_lst",
                "chg_allow",
                "chg_req",
                "exp_warn",
                "exp_inact",
                "exp_date",
            ];
            for (name, n) in names.iter().zip(numbers) {
                item.push(ItemEntity::int(*name, n));
            }
            item.push(ItemEntity::string("flag", flag.to_string()));
            if let Some(m) = encrypt_method(f[1]) {
                item.push(ItemEntity::string("encrypt_method", m));
            }
            Some(item)
        })
    }
}

/// The hash method of a crypt(3) string, as oscap names it (see the module doc).
fn encrypt_method(hash: &str) -> Option<&'static str> {
    if hash.starts_with('_') {
        return Some("BSDi");
    }
    let Some(rest) = hash.strip_prefix('$') else {
        return Some("DES");
    };
    let (method, after) = if let Some(r) = rest.strip_prefix("md5") {
        ("Sun MD5", r)
    } else if let Some(r) = rest.strip_prefix("2a").or_else(|| rest.strip_prefix('2')) {
        ("Blowfish", r)
    } else if let Some(r) = rest.strip_prefix('1') {
        ("MD5", r)
    } else if let Some(r) = rest.strip_prefix('5') {
        ("SHA-256", r)
    } else if let Some(r) = rest.strip_prefix('6') {
        ("SHA-512", r)
    } else {
        return None;
    };
    after.starts_with('$').then_some(method)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::RequestEntity;
    use crate::types::{Datatype, Operation};
    use scap_probe::MemoryTarget;

    fn shadow(content: &str) -> Vec<Item> {
        let mut t = MemoryTarget::new();
        t.add_file("/etc/shadow", content);
        let mut o = ObjectRequest::new("oval:t:obj:1", "shadow_object");
        o.entities.push(RequestEntity::new(
            "username",
            Datatype::String,
            Operation::PatternMatch,
            ".*",
        ));
        ShadowProbe.collect(&t, &o).items
    }

    #[test]
    fn empty_fields_are_what_getspent_gives() {
        // oscap 1.3.7 on the live host's `root:*:20228:0:99999:7:::`: exp_inact -1, exp_date
        // -1, flag 18446744073709551615, encrypt_method DES; glibc reads every empty numeric
        // field as -1, chg_lst and chg_allow included.
        let items = shadow("root:*:20228:0:99999:7:::\nnobody:!:::::::0\nbad:*:x:0:0:0:::\n");
        assert_eq!(items.len(), 2, "a line with a non-number is skipped");
        let v = |i: &Item, n: &str| i.value(n).map(str::to_owned);
        assert_eq!(v(&items[0], "exp_inact").as_deref(), Some("-1"));
        assert_eq!(
            v(&items[0], "flag").as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(v(&items[0], "encrypt_method").as_deref(), Some("DES"));
        for n in [
            "chg_lst",
            "chg_allow",
            "chg_req",
            "exp_warn",
            "exp_inact",
            "exp_date",
        ] {
            assert_eq!(v(&items[1], n).as_deref(), Some("-1"), "{n}");
            let e = items[1].entities.iter().find(|e| e.name == n).unwrap();
            assert_eq!(e.datatype, Datatype::Int);
        }
        assert_eq!(v(&items[1], "flag").as_deref(), Some("0"));
    }

    #[test]
    fn encrypt_methods() {
        assert_eq!(encrypt_method("$6$salt$hash"), Some("SHA-512"));
        assert_eq!(encrypt_method("$5$s$h"), Some("SHA-256"));
        assert_eq!(encrypt_method("$1$s$h"), Some("MD5"));
        assert_eq!(encrypt_method("$2a$10$h"), Some("Blowfish"));
        assert_eq!(encrypt_method("$2$10$h"), Some("Blowfish"));
        assert_eq!(encrypt_method("$md5$s$h"), Some("Sun MD5"));
        assert_eq!(encrypt_method("_J9..salt"), Some("BSDi"));
        assert_eq!(encrypt_method("$y$j9T$s$h"), None);
        assert_eq!(encrypt_method("$2b$10$h"), None);
        assert_eq!(encrypt_method("!"), Some("DES"));
        assert_eq!(encrypt_method(""), Some("DES"));
    }
}
