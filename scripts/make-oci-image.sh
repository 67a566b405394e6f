#!/usr/bin/env bash
# Turn a root filesystem tree into a two-layer OCI image layout, without docker or skopeo
# (tar + gzip + sha256sum + a few lines of python for the JSON), then check that scanning the
# image in place gives the same OVAL result for every definition as scanning the same tree
# unpacked, and measure both against `tar x` + oscap.
#
# usage: scripts/make-oci-image.sh [ROOT] [OUT] [OVAL]
#   ROOT  the tree (default /work/roots/debian11, or scripts/make-debian-root.sh output)
#   OUT   the image layout to write (default /var/tmp/scap-oci/debian11)
#   OVAL  definitions to compare with (default $SCAP_SSG_DIR/ssg-debian11-oval.xml)
# Set COMPARE=0 to only build the image, IMAGE_ENV to the config's Env (NAME=value lines; default
# a PATH), IMAGE_REF to its reference name (default debian11). Needs root to read every file of a debootstrap tree.
#
# Layer 0 is the tree without /etc; layer 1 is /etc plus a whiteout of /etc/.scap-whiteout-probe
# (planted in layer 0), so the merge of the two layers is the tree exactly and the image
# exercises a whiteout.
set -euo pipefail
root=${1:-/work/roots/debian11}
out=${2:-/var/tmp/scap-oci/debian11}
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
oval=${3:-$ssg/ssg-debian11-oval.xml}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /var/tmp/scap-oci-work.XXXXXX)
trap 'rm -rf "$work"' EXIT

rm -rf "$out"
mkdir -p "$out/blobs/sha256"
tarflags=(--numeric-owner --sort=name --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)

# Layer 0: everything but /etc, plus the file layer 1 whites out.
mkdir -p "$work/l0extra/etc"
echo "removed by layer 1" > "$work/l0extra/etc/.scap-whiteout-probe"
tar "${tarflags[@]}" -C "$root" --exclude=./etc --exclude=./proc/* --exclude=./sys/* -cf "$work/layer0.tar" .
tar "${tarflags[@]}" -C "$work/l0extra" -rf "$work/layer0.tar" ./etc/.scap-whiteout-probe
# Layer 1: /etc and the whiteout.
mkdir -p "$work/l1extra/etc"
: > "$work/l1extra/etc/.wh..scap-whiteout-probe"
tar "${tarflags[@]}" -C "$root" -cf "$work/layer1.tar" ./etc
tar "${tarflags[@]}" -C "$work/l1extra" -rf "$work/layer1.tar" ./etc/.wh..scap-whiteout-probe

blob() { # FILE -> digest (moves FILE into the blob store)
    local d
    d=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$out/blobs/sha256/$d"
    echo "$d"
}
diff0=$(sha256sum "$work/layer0.tar" | cut -d' ' -f1)
diff1=$(sha256sum "$work/layer1.tar" | cut -d' ' -f1)
gzip -n -6 "$work/layer0.tar" "$work/layer1.tar"
size0=$(stat -c %s "$work/layer0.tar.gz"); size1=$(stat -c %s "$work/layer1.tar.gz")
l0=$(blob "$work/layer0.tar.gz"); l1=$(blob "$work/layer1.tar.gz")

IMAGE_ENV=${IMAGE_ENV:-PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin} \
IMAGE_REF=${IMAGE_REF:-debian11} \
python3 - "$out" "$l0" "$size0" "$diff0" "$l1" "$size1" "$diff1" <<'PY'
import hashlib, json, os, sys
out, l0, s0, d0, l1, s1, d1 = sys.argv[1:]
env = [l for l in os.environ["IMAGE_ENV"].splitlines() if l.strip()]
def put(obj):
    b = json.dumps(obj, separators=(",", ":")).encode()
    d = hashlib.sha256(b).hexdigest()
    open(os.path.join(out, "blobs/sha256", d), "wb").write(b)
    return {"digest": "sha256:" + d, "size": len(b)}
config = put({"architecture": "amd64", "os": "linux",
              "config": {"Env": env},
              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d0, "sha256:" + d1]}})
layer = lambda d, s: {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": "sha256:" + d, "size": int(s)}
manifest = put({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": dict(config, mediaType="application/vnd.oci.image.config.v1+json"),
                "layers": [layer(l0, s0), layer(l1, s1)]})
index = {"schemaVersion": 2, "manifests": [dict(manifest,
         mediaType="application/vnd.oci.image.manifest.v1+json",
         platform={"os": "linux", "architecture": "amd64"},
         annotations={"org.opencontainers.image.ref.name": os.environ["IMAGE_REF"]})]}
open(os.path.join(out, "index.json"), "w").write(json.dumps(index))
open(os.path.join(out, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
echo "image: $out ($(du -sh "$out" | cut -f1))" >&2
[ "${COMPARE:-1}" = 1 ] || exit 0

cd "$here"
cargo build --release --example oval-eval >&2
bin=${CARGO_TARGET_DIR:-$here/target}/release/examples/oval-eval
exec 3>&2
timed() { # LABEL CMD... -> prints "LABEL: wall peak-RSS" on the script's stderr
    local label=$1; shift
    local rc=0
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" || rc=$?
    read -r wall rss < <(tail -n 1 "$work/time")
    printf '%-34s %8ss %8d MiB peak\n' "$label" "$wall" $((rss / 1024)) >&3
    return $rc
}
# The environment comes from the image config's Env.
unset OSCAP_CONTAINER_VARS
timed "ours: index+scan the image" "$bin" --image "$out" "$oval" > "$work/image.txt"
# The image's Env, given to the unpacked-tree scans the way oscap-docker does.
printf 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' > "$work/env"
export OSCAP_CONTAINER_VARS
OSCAP_CONTAINER_VARS=$(cat "$work/env")
# The same tree, unpacked from the image's layers (so both see exactly the same files).
mkdir "$work/tree"
# Whiteouts applied by hand; /.dockerenv is what oscap-docker's container has, and OciImage makes.
timed "tar x of the two layers" bash -c 'for d in "$2" "$3"; do
        tar --numeric-owner -xzf "$1/blobs/sha256/$d" -C "$4" || exit 1; done
    rm -f "$4/etc/.scap-whiteout-probe" "$4/etc/.wh..scap-whiteout-probe"; : > "$4/.dockerenv"' \
    unpack "$out" "$l0" "$l1" "$work/tree"
timed "ours: scan the unpacked tree" "$bin" --root "$work/tree" --env-file "$work/env" "$oval" > "$work/root.txt"
# oscap 1.3.7's dpkginfo probe reads the host's apt configuration: empty Dir::Etc::parts.
printf 'Dir::Etc::parts "/nonexistent";\n' > "$work/apt.conf"
timed "oscap: scan the unpacked tree" env APT_CONFIG="$work/apt.conf" OSCAP_PROBE_ROOT="$work/tree" \
    oscap oval eval --results "$work/oscap.xml" "$oval" > "$work/oscap.txt" 2> "$work/oscap.err" ||
    echo "oscap exited $? ($(head -c 300 "$work/oscap.err"))" >&2

n=$(wc -l < "$work/image.txt")
if diff <(sort "$work/image.txt") <(sort "$work/root.txt") > "$work/diff.txt"; then
    echo "same result for all $n definitions: --image $out and --root (unpacked tree)" >&2
else
    echo "DIFFERENT results between --image and --root:" >&2
    cat "$work/diff.txt" >&2
    exit 1
fi
# oscap prints "Definition ID: result" too: how many agree with ours (differences there are
# the evaluator's, listed in scripts/oscap-known-differences.txt, not the image reader's).
agree=$(comm -12 <(sort "$work/image.txt") <(sort "$work/oscap.txt") | wc -l)
echo "oscap agrees on $agree of $n definitions" >&2
