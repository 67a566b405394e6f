#!/usr/bin/env bash
# `scan --disk` against `scan --root`: the debootstrapped Debian 11 tree made into a GPT disk
# (ESP + ext4 root + a separate ext4 /var, fstab by UUID), as a raw image, as a compressed
# qcow2 and as a GCP image (`disk.raw` in a GNU sparse `.tar.gz`, as `gcloud compute images
# export` writes it; decompressed by the scan into a temporary file); every rule of every SSG
# Debian 11 profile must give the same result on each disk as on the tree (the tree scanned with the same fstab), except the rules whose checks read the mount
# table: on the disk it is the image's fstab, a tree has none (listed at the end, with both
# answers). Also times the qcow2 scan against `qemu-img convert` of the same image to raw
# alone (the first step of any tool that mounts it), with peak memory.
#
# The ESP holds Debian's real signed shim (as EFI/BOOT/BOOTX64.EFI and EFI/debian/shimx64.efi)
# and GRUB (apt-get download shim-signed grub-efi-amd64-signed): the disk scans' Secure Boot
# fact must read "prepared", naming Microsoft's UEFI CA as the shim's signer's issuer.
#
# usage: scripts/diff-disk.sh [--ci] [DATASTREAM.xml [PROFILE ...]]
#   default: the SSG Debian 11 data stream, every profile `oscap info` lists.
#   --ci: the subset .ci/run runs (about 3 minutes): the 'standard' profile only, raw, qcow2
#         and tar.gz, no `qemu-img convert` timing.
# env: ROOT=DIR (default: built with scripts/make-debian-root.sh bullseye), KEEP=DIR keeps
#      the images and outputs, SCAN_BIN=PATH uses an already built scan.
# needs: e2fsprogs dosfstools mtools gdisk qemu-utils (installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ci=
if [ "${1:-}" = --ci ]; then
    ci=1
    shift
fi
need=()
for tool in mkfs.ext4:e2fsprogs mkfs.vfat:dosfstools mcopy:mtools sgdisk:gdisk qemu-img:qemu-utils; do
    command -v "${tool%%:*}" > /dev/null || need+=("${tool##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
scripts/install-ssg.sh >&2
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
ds=${1:-$ssg/ssg-debian11-ds.xml}
[ $# -gt 0 ] && shift
root=${ROOT:-$(scripts/make-debian-root.sh bullseye)}
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
if [ -z "${SCAN_BIN:-}" ]; then
    cargo build --release --example scan >&2
    SCAN_BIN=${CARGO_TARGET_DIR:-target}/release/examples/scan
fi
if [ $# -gt 0 ]; then
    profiles=("$@")
elif [ -n "$ci" ]; then
    profiles=(xccdf_org.ssgproject.content_profile_standard)
else
    mapfile -t profiles < <(oscap info --profiles "$ds" 2>/dev/null | cut -d: -f1)
fi

# --- the tree, with the fstab the disk will have --------------------------------------
root_uuid=0d15c000-0000-4000-8000-000000000001
var_uuid=0d15c000-0000-4000-8000-000000000002
esp_id=0D15C0DE
tree=$out/tree
rm -rf "$tree" && cp -a "$root" "$tree"
mkdir -p "$tree/boot/efi"
cat > "$tree/etc/fstab" <<FSTAB
# /etc/fstab: static file system information.
UUID=$root_uuid / ext4 errors=remount-ro 0 1
UUID=${esp_id:0:4}-${esp_id:4:4} /boot/efi vfat umask=0077 0 1
UUID=$var_uuid /var ext4 defaults,nodev,nosuid 0 2
FSTAB
esp=$out/esp
rm -rf "$esp" && mkdir -p "$esp/EFI/debian" "$esp/EFI/BOOT" "$out/deb"
(cd "$out/deb" && apt-get download shim-signed grub-efi-amd64-signed > /dev/null 2>&1)
for d in "$out"/deb/*.deb; do dpkg-deb -x "$d" "$out/deb/x"; done
cp "$out/deb/x/usr/lib/shim/shimx64.efi.signed" "$esp/EFI/BOOT/BOOTX64.EFI"
cp "$out/deb/x/usr/lib/shim/shimx64.efi.signed" "$esp/EFI/debian/shimx64.efi"
cp "$out/deb/x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$esp/EFI/debian/grubx64.efi"
rm -rf "$out/deb"

# --- the disk: GPT, ESP (FAT32), root (ext4, without /var's content), /var (ext4) ---------
mib() { echo $(( ($(du -s --block-size=1M "$1" | cut -f1) * 13 / 10) + 64 )); }
var_mib=$(mib "$tree/var")
root_mib=$(( $(mib "$tree") - var_mib + 64 ))
rootfs=$out/rootfs
rm -rf "$rootfs" && mkdir -p "$rootfs"
# The root filesystem holds an empty /var, its mount point (as an installer leaves it).
tar -C "$tree" --exclude=./var -cf - . | tar -C "$rootfs" -xf -
mkdir -p "$rootfs/var" && chmod --reference="$tree/var" "$rootfs/var"
img=$out/disk.raw
rm -f "$img" && truncate -s $(( 1 + 64 + root_mib + var_mib + 1 ))M "$img"
sgdisk -o -n 1:2048:+64M -t 1:ef00 -c 1:EFI -n 2:0:+${root_mib}M -t 2:8304 -c 2:root \
    -n 3:0:+${var_mib}M -t 3:8310 -c 3:var "$img" > /dev/null
start() { sgdisk -i "$1" "$img" | awk '/First sector/ {print $3 * 512}'; }
mkfs.vfat -C -F 32 -i $esp_id "$out/esp.fat" $((64 * 1024)) > /dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$out/esp.fat" "$esp/EFI" ::/
dd if="$out/esp.fat" of="$img" bs=1M seek=1 conv=notrunc status=none
rm -f "$out/esp.fat"
mkfs.ext4 -q -F -U $root_uuid -E offset="$(start 2)" -d "$rootfs" "$img" ${root_mib}M
mkfs.ext4 -q -F -U $var_uuid -E offset="$(start 3)" -d "$tree/var" "$img" ${var_mib}M
rm -rf "$rootfs"
qemu-img convert -f raw -O qcow2 -c "$img" "$out/disk.qcow2"
# GCP's layout: tar --format=oldgnu -S (GNU sparse), gzip'd (level 1 here: the level does
# not change what is read, and it keeps CI short).
tar --format=oldgnu -S -C "$out" -cf - disk.raw | gzip -1 > "$out/disk.tar.gz"
ls -l "$img" "$out/disk.qcow2" "$out/disk.tar.gz" >&2

# --- scans --------------------------------------------------------------------------------
timed() {  # NAME ARGS...: run with /usr/bin/time into $out/NAME.time
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.txt" 2> "$out/$name.err" || true
}
rm -f "$out/convert.raw"
if [ -z "$ci" ]; then
    timed convert qemu-img convert -f qcow2 -O raw "$out/disk.qcow2" "$out/convert.raw"
else
    echo "0.00 0" > "$out/convert.time"
fi
rm -f "$out/convert.raw"
status=0
for p in "${profiles[@]}"; do
    name=${p##*_profile_}
    timed "$name.root" "$SCAN_BIN" --root "$tree" --profile "$p" --results "$out/$name.root.xml" "$ds"
    timed "$name.raw" "$SCAN_BIN" --disk "$img" --profile "$p" --results "$out/$name.raw.xml" "$ds"
    timed "$name.qcow2" "$SCAN_BIN" --disk "$out/disk.qcow2" --profile "$p" --results "$out/$name.qcow2.xml" "$ds"
    # The temporary copy goes under $out (unnamed: it leaves nothing there).
    timed "$name.targz" env TMPDIR="$out" "$SCAN_BIN" --disk "$out/disk.tar.gz" --profile "$p" --results "$out/$name.targz.xml" "$ds"
    python3 - "$out" "$name" "$ds" <<'PY' || status=1
import sys
import xml.etree.ElementTree as ET
out, name, ds = sys.argv[1:4]
NS = "{http://checklists.nist.gov/xccdf/1.2}"
def load(kind):
    root = ET.parse(f"{out}/{name}.{kind}.xml").getroot()
    tr = root if root.tag == NS + "TestResult" else root.find(f".//{NS}TestResult")
    return {rr.get("idref"): rr.findtext(f"{NS}result") for rr in tr.findall(f"{NS}rule-result")}
# Which rules read the mount table: their OVAL uses a partition_object.
bench = ET.parse(ds).getroot()
OVAL = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"
LINUX = "{http://oval.mitre.org/XMLSchema/oval-definitions-5#linux}"
objs = {o.get("id") for o in bench.iter(LINUX + "partition_object")}
tests = {t.get("id") for t in bench.iter(LINUX + "partition_test")
         if any(c.get("object_ref") in objs for c in t)}
defs = set()
for d in bench.iter(OVAL + "definition"):
    if any(c.get("test_ref") in tests for c in d.iter(OVAL + "criterion")):
        defs.add(d.get("id"))
# Follow extend_definition once more (rules whose definition extends a mount check).
for d in bench.iter(OVAL + "definition"):
    if any(e.get("definition_ref") in defs for e in d.iter(OVAL + "extend_definition")):
        defs.add(d.get("id"))
mount_rules = set()
XCCDF = "{http://checklists.nist.gov/xccdf/1.2}"
for r in bench.iter(XCCDF + "Rule"):
    for ref in r.iter(XCCDF + "check-content-ref"):
        if ref.get("name") in defs:
            mount_rules.add(r.get("id"))
root, raw, qcow, targz = load("root"), load("raw"), load("qcow2"), load("targz")
# The Secure Boot fact of each disk scan (scap_arf::report::FACT_SECURE_BOOT): the ESP
# holds Debian's signed shim, so "prepared", its signer's issuer Microsoft's UEFI CA.
SB = "urn:scap-rs:fact:platform:secure-boot"
def facts(kind):
    r = ET.parse(f"{out}/{name}.{kind}.xml").getroot()
    return {f.get("name"): f.text or "" for f in r.iter(NS + "fact")}
sb_bad = []
for kind in ("raw", "qcow2", "targz"):
    f = facts(kind)
    answer, evidence = f.get(SB), f.get(SB + ":evidence", "")
    if answer != "prepared" or "Microsoft Corporation UEFI CA 2011" not in evidence:
        sb_bad.append(f"{kind}: {answer!r}: {evidence}")
def t(kind, prefix=f"{name}."):
    # The last line: /usr/bin/time writes "Command exited with non-zero status N" before it.
    s, m = open(f"{out}/{prefix}{kind}.time").read().splitlines()[-1].split()
    return float(s), int(m) // 1024
conv = t("convert", "")
bad = [k for k in sorted(root) if k not in mount_rules and not (root[k] == raw.get(k) == qcow.get(k))]
mnt = [(k, root[k], raw.get(k), qcow.get(k)) for k in sorted(root) if k in mount_rules and root[k] != "notselected"]
rawq = [k for k in sorted(root) if not (raw.get(k) == qcow.get(k) == targz.get(k))]
evaluated = sum(1 for v in root.values() if v != "notselected")
errors = sum(1 for d in (raw, qcow, targz) for v in d.values() if v == "error")
print(f"== {name}: {evaluated} rules; tree {t('root')[0]:.2f}s {t('root')[1]} MiB, "
      f"raw {t('raw')[0]:.2f}s {t('raw')[1]} MiB, qcow2 {t('qcow2')[0]:.2f}s {t('qcow2')[1]} MiB, "
      f"tar.gz {t('targz')[0]:.2f}s {t('targz')[1]} MiB"
      + (f"; qemu-img convert to raw alone {conv[0]:.2f}s {conv[1]} MiB" if conv[1] else ""))
for k in bad:
    print(f"  DIFFERENT {k}: root={root[k]} raw={raw.get(k)} qcow2={qcow.get(k)}")
for k in rawq:
    print(f"  RAW/QCOW2/TAR.GZ {k}: raw={raw.get(k)} qcow2={qcow.get(k)} tar.gz={targz.get(k)}")
for k, a, b, c in mnt:
    print(f"  mount-table rule {k}: tree={a} disk={b}" + ("" if b == c else f" qcow2={c}"))
if errors:
    print(f"  {errors} error results on the disk (each also an error on the tree, else listed above)")
for b in sb_bad:
    print(f"  SECURE BOOT {b}")
if not sb_bad:
    print(f"  secure boot (raw, qcow2, tar.gz): prepared: {facts('raw').get(SB + ':evidence')}")
sys.exit(1 if bad or rawq or sb_bad else 0)
PY
done
exit $status
