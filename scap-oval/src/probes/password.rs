//! `unix:password_object` and `unix:shadow_object`: `/etc/passwd` and `/etc/shadow` of the
//! target.

use std::path::Path;

use scap_probe::Target;

use super::{Collection, MAX_FILE_SIZE, ObjectRequest, Probe};
use crate::items::{Item, ItemEntity};

/// The password probe.
pub struct PasswordProbe;

/// The shadow probe.
pub struct ShadowProbe;

fn records(
    target: &dyn Target,
    object: &ObjectRequest,
    file: &str,
    min_fields: usize,
    build: impl Fn(&[&str]) -> Item,
) -> Collection {
    let Some(username) = object.entity("username") else {
        return Collection::error(format!("{}: no username entity", object.id));
    };
    let bytes = match target.read(Path::new(file), MAX_FILE_SIZE) {
        Ok(b) => b,
        Err(e) if e.is_not_found() => return Collection::from_items(Vec::new()),
        Err(e) => return Collection::error(format!("{file}: {e}")),
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut items = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() < min_fields || fields[0].is_empty() || line.starts_with('#') {
            continue;
        }
        match username.matches(fields[0]) {
            Ok(true) => items.push(build(&fields)),
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
            item
        })
    }
}

impl Probe for ShadowProbe {
    fn collect(&self, target: &dyn Target, object: &ObjectRequest) -> Collection {
        records(target, object, "/etc/shadow", 9, |f| {
            let mut item = Item::new("unix", "shadow_item");
            item.push(ItemEntity::string("username", f[0]));
            let mut pw = ItemEntity::string("password", f[1]);
            pw.mask = true;
            item.push(pw);
            for (i, name) in [
                "chg_lst",
                "chg_allow",
                "chg_req",
                "exp_warn",
                "exp_inact",
                "exp_date",
            ]
            .iter()
            .enumerate()
            {
                let v = f[2 + i];
                if v.is_empty() {
                    item.push(ItemEntity::does_not_exist(
                        name,
                        crate::types::Datatype::Int,
                    ));
                } else {
                    item.push(ItemEntity::int(name, v));
                }
            }
            item.push(ItemEntity::string("flag", f[8]));
            item.push(ItemEntity::string("encrypt_method", encrypt_method(f[1])));
            item
        })
    }
}

/// The hash method of a crypt(3) string, as OVAL names it.
fn encrypt_method(hash: &str) -> &'static str {
    match hash.split('$').nth(1) {
        Some("1") => "MD5",
        Some("2a" | "2b" | "2y") => "Blowfish",
        Some("5") => "SHA-256",
        Some("6") => "SHA-512",
        Some("y") => "yescrypt",
        _ if hash.len() == 13 => "DES",
        _ => "",
    }
}
