#!/usr/bin/env bash
# Build a Debian root filesystem to scan with debootstrap (idempotent).
# usage: scripts/make-debian-root.sh [SUITE] [DIR]    (default: bullseye /var/tmp/scap-roots/SUITE)
set -euo pipefail
suite=${1:-bullseye}
dir=${2:-/var/tmp/scap-roots/$suite}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# A realistic server: the packages SSG's Debian rules look at.
include=${DEBOOTSTRAP_INCLUDE:-openssh-server,sudo,auditd,rsyslog,cron}

if [ -f "$dir/.scap-root-complete" ]; then
    echo "$dir"
    exit 0
fi
if ! command -v debootstrap >/dev/null; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
fi
rm -rf "$dir"
mkdir -p "$dir"
debootstrap --include="$include" "$suite" "$dir" "$mirror" >&2
touch "$dir/.scap-root-complete"
echo "$dir"
