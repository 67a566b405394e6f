#!/usr/bin/env bash
# Install what the corpus and differential scripts need: the SCAP Security Guide data streams,
# oscap 1.3.x and its XSD schemas. Debian packages; needs root.
set -euo pipefail
pkgs=(ssg-debian ssg-debderived ssg-nondebian ssg-applications openscap-scanner openscap-common libxml2-utils time)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
