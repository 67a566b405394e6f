#!/usr/bin/env bash
# Makes the seed inputs of the raw-disk and rpm-header fuzz targets under fuzz/corpus/ from
# the committed test fixtures (scap-probe/tests/fixtures/disk, scap-rpmdb/tests/fixtures):
# each seed is what the target reads (a raw filesystem, a partitioned disk's first sectors
# behind the mode byte, a PV's label and metadata area, one rpm header blob), cut small so
# libFuzzer mutates the structures rather than megabytes of zeros.
# Needs qemu-img (qemu-utils), mkfs.ext4 (e2fsprogs) and sqlite3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
disk="$repo/scap-probe/tests/fixtures/disk"
corpus="$repo/fuzz/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

raw() { qemu-img convert -O raw "$disk/$1" "$work/$2"; }
raw gpt-esp-root-var.qcow2 gpt.raw
raw mbr-logical.qcow2 mbr.raw
raw lvm-linear.qcow2 lvm.raw
raw bare-xfs.qcow2 xfs.raw

# A 128 KiB ext4 (no journal) holding an os-release, an fstab and a symlink.
mkdir -p "$work/tree/etc"
echo 'ID=debian' > "$work/tree/etc/os-release"
echo 'UUID=x / ext4 defaults 0 1' > "$work/tree/etc/fstab"
ln -s os-release "$work/tree/etc/link"
mkfs.ext4 -q -b 1024 -N 16 -O ^has_journal,^resize_inode -d "$work/tree" "$work/ext4.raw" 128

mkdir -p "$corpus"/{disk_ext4,disk_xfs,disk_lvm,disk_partition,disk_image,rpmdb_header}
cp "$work/ext4.raw" "$corpus/disk_ext4/tiny-ext4"
cp "$work/ext4.raw" "$corpus/disk_image/bare-ext4"
# XFS: the superblock, the AG headers and the root inode chunk are in the first 128 KiB.
head -c 131072 "$work/xfs.raw" > "$corpus/disk_xfs/xfs-head"
# LVM: the physical volume (a partition of the image) from its label through its metadata.
python3 - "$work/lvm.raw" "$corpus/disk_lvm/lvm-pv" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
at = d.find(b'LABELONE') - 512
open(sys.argv[2], 'wb').write(d[at:at + 262144])
PY
# Partition tables: the target's first byte picks GPT (even) or MBR (odd).
{ printf '\x00'; head -c 65536 "$work/gpt.raw"; } > "$corpus/disk_partition/gpt"
{ printf '\x01'; head -c 65536 "$work/mbr.raw"; } > "$corpus/disk_partition/mbr"
# The GCP .tar.gz: the committed GNU sparse tar seed gzip'd (-n: no name or time, so the
# same bytes each run); disk_targz's first byte picks tar (even, gzip'd by the target) or
# gzip stream (odd).
mkdir -p "$corpus/disk_targz"
gzip -9n < "$corpus/disk_image/bare-ext4-gcp.tar" > "$corpus/disk_image/bare-ext4-gcp.tar.gz"
{ printf '\x00'; cat "$corpus/disk_image/bare-ext4-gcp.tar"; } > "$corpus/disk_targz/tar-bare-ext4"
{ printf '\x01'; cat "$corpus/disk_image/bare-ext4-gcp.tar.gz"; } > "$corpus/disk_targz/gz-bare-ext4"
{ printf '\x00'; cat "$disk/bare-ext4-pax.tar"; } > "$corpus/disk_targz/tar-pax-bare-ext4"
# Two installed packages' header blobs, as rpm stored them.
for n in 2 3; do
  sqlite3 "$repo/scap-rpmdb/tests/fixtures/rpmdb.sqlite" \
    "select writefile('$corpus/rpmdb_header/header-$n', blob) from Packages where hnum=$n" >/dev/null
done
ls -la "$corpus"/{disk_ext4,disk_xfs,disk_lvm,disk_partition,disk_image,disk_targz,rpmdb_header}
