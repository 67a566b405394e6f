//! Secure Boot readiness of an installed system, read from its EFI system partition at
//! `/boot/efi`: the boot loaders the firmware would start and whether each carries a valid
//! Authenticode signature ([`authenticode`](super::authenticode)).
//!
//! What the answer means: a validly signed shim (or boot loader) on the ESP says the image is
//! *prepared* for Secure Boot ([`Answer::Prepared`]); whether a machine's firmware enforces it
//! is in that machine's NVRAM, not in the image. An unsigned or tampered boot loader cannot
//! start with Secure Boot enforcing ([`Answer::Disabled`]: it can only boot without it).

use std::path::{Path, PathBuf};

use super::authenticode::{PeSignature, signatures};
use super::{Answer, Finding};
use crate::Target;

/// Largest boot loader read (GRUB images are about 4 MiB).
const MAX_LOADER_BYTES: u64 = 64 << 20;
/// Directories of `EFI/` looked at (one per installed OS, plus `BOOT`).
const MAX_VENDOR_DIRS: usize = 32;
/// The firmware's default loader, then the files a distribution installs (shim first: it
/// is what the firmware verifies; GRUB is verified by shim).
const FALLBACK: [&str; 2] = ["bootx64.efi", "bootaa64.efi"];
const VENDOR: [&str; 4] = ["shimx64.efi", "shimaa64.efi", "grubx64.efi", "grubaa64.efi"];

/// The ESP's loaders as `EFI/DIR/FILE` with the path read (FAT names compared without case).
fn loaders(target: &dyn Target, esp: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let efi_dir = match target.read_dir(esp) {
        Ok(entries) => entries
            .into_iter()
            .find(|e| e.name.eq_ignore_ascii_case("EFI"))
            .map(|e| esp.join(e.name)),
        Err(_) => None,
    };
    let Some(efi) = efi_dir else {
        return out;
    };
    let Ok(mut dirs) = target.read_dir(&efi) else {
        return out;
    };
    dirs.sort_by_key(|e| !e.name.eq_ignore_ascii_case("BOOT"));
    for d in dirs.into_iter().take(MAX_VENDOR_DIRS) {
        let dir = efi.join(&d.name);
        let Ok(files) = target.read_dir(&dir) else {
            continue;
        };
        let boot = d.name.eq_ignore_ascii_case("BOOT");
        let wanted: &[&str] = if boot { &FALLBACK } else { &VENDOR };
        for w in wanted {
            if let Some(f) = files.iter().find(|f| f.name.eq_ignore_ascii_case(w)) {
                let shown = format!(
                    "EFI/{}/{}",
                    d.name.to_string_lossy(),
                    f.name.to_string_lossy()
                );
                out.push((shown, dir.join(&f.name)));
            }
        }
    }
    out
}

/// The common name of an RFC 4514 name, else the whole name.
fn cn(name: &str) -> &str {
    name.split(',')
        .find_map(|p| p.trim().strip_prefix("CN="))
        .unwrap_or(name)
}

fn describe(name: &str, sigs: &Result<Vec<PeSignature>, String>) -> (bool, String) {
    match sigs {
        Err(e) => (false, format!("{name}: {e}")),
        Ok(s) if s.is_empty() => (false, format!("{name} is not signed")),
        Ok(s) => {
            let good = s.iter().find(|s| s.valid);
            match good {
                Some(g) => (
                    true,
                    format!(
                        "{name} is signed by {} (issuer {}), Authenticode digest and signature verified",
                        cn(&g.signer_subject),
                        cn(&g.signer_issuer)
                    ),
                ),
                None => {
                    let why = s[0].problem.as_deref().unwrap_or("not valid");
                    (
                        false,
                        format!(
                            "{name} carries a signature by {} (issuer {}) that is not valid: {why}",
                            cn(&s[0].signer_subject),
                            cn(&s[0].signer_issuer)
                        ),
                    )
                }
            }
        }
    }
}

/// The Secure Boot finding of an installed system from its ESP, `None` when there is no
/// ESP with a boot loader at `/boot/efi` (a BIOS-booted system, a tree without its ESP).
pub(crate) fn finding(target: &dyn Target) -> Option<Finding> {
    let esp = Path::new("/boot/efi");
    let found = loaders(target, esp);
    if found.is_empty() {
        return None;
    }
    let mut notes = Vec::new();
    let mut first_ok = None;
    for (name, path) in &found {
        let sigs = match target.read(path, MAX_LOADER_BYTES) {
            Ok(bytes) => signatures(&bytes).map_err(|e| e.to_string()),
            Err(e) => Err(format!("cannot be read: {e}")),
        };
        let (ok, text) = describe(name, &sigs);
        if first_ok.is_none() {
            first_ok = Some(ok);
        }
        notes.push(text);
    }
    // The first loader is the one the firmware verifies (the fallback, else the shim).
    let (answer, verdict) = if first_ok == Some(true) {
        (
            Answer::Prepared,
            "the image is prepared for Secure Boot; whether the firmware enforces it is not \
             recorded in the image, and the signer's trust by the firmware (db, dbx) is not checked",
        )
    } else {
        (
            Answer::Disabled,
            "the boot loader the firmware starts is not validly signed: this image cannot \
             boot with Secure Boot enforcing",
        )
    };
    Some(Finding::new(
        answer,
        format!("ESP /boot/efi: {}; {verdict}", notes.join("; ")),
    ))
}
