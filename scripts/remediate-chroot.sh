#!/usr/bin/env bash
# Runs a command as root chrooted in a root tree, in a private mount and network namespace,
# with this host's oscap 1.3.7 and our scan at hand: what `--remediate` needs to run on a
# disposable system instead of this machine. Used by scripts/diff-remediate.sh and
# scap/tests/fixtures/remediate/make.sh.
#
# usage: scripts/remediate-chroot.sh TREE TOOLS SHARE CMD...
#   TREE   the root to chroot into (a copy: the fixes change it)
#   TOOLS  a directory made by `scripts/remediate-chroot.sh --tools TOOLS [SCAN_BIN]`: oscap,
#          its shared libraries and its loader, and our scan; mounted read-only at /opt/tools,
#          where /opt/tools/oscap and /opt/tools/scan run them (the tree's own libc is older
#          than this host's: each runs under the host loader with the host libraries, and the
#          fixes it starts run with the tree's)
#   SHARE  a directory of this host mounted at /work (content in, results out)
# No network inside (unshare --net): a fix that downloads fails for both scanners alike.
set -euo pipefail

if [ "${1:-}" = --tools ]; then
    tools=$2
    scan=${3:-}
    mkdir -p "$tools/lib"
    for l in $(ldd /usr/bin/oscap | awk '/=>/ {print $3}') /lib64/ld-linux-x86-64.so.2; do
        cp -L "$l" "$tools/lib/"
    done
    cp /usr/bin/oscap "$tools/lib/oscap.bin"
    # The loader runs each binary with the host libraries; --argv0 keeps its name.
    for tool in oscap scan; do
        printf '#!/bin/sh\nexec /opt/tools/lib/ld-linux-x86-64.so.2 --library-path /opt/tools/lib /opt/tools/lib/%s.bin "$@"\n' \
            "$tool" > "$tools/$tool"
        chmod +x "$tools/$tool"
    done
    if [ -n "$scan" ]; then
        for l in $(ldd "$scan" | awk '/=>/ {print $3}'); do cp -L "$l" "$tools/lib/"; done
        cp "$scan" "$tools/lib/scan.bin"
    fi
    exit 0
fi

tree=$(realpath "$1") tools=$(realpath "$2") share=$(realpath "$3")
shift 3
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --net --fork bash -euc '
tree=$1 tools=$2 share=$3
shift 3
mount --make-rprivate /
# oscap'"'"'s system_info probe fails without an interface that is up.
ip link set lo up
mkdir -p "$tree/opt/tools" "$tree/usr/share/openscap" "$tree/work"
mount --bind "$tools" "$tree/opt/tools"
mount -o remount,bind,ro "$tree/opt/tools"
mount --bind /usr/share/openscap "$tree/usr/share/openscap"
mount --bind "$share" "$tree/work"
mount --bind /proc "$tree/proc"
exec chroot "$tree" "$@"
' remediate-chroot "$tree" "$tools" "$share" "$@"
