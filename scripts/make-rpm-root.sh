#!/usr/bin/env bash
# Builds a small RHEL-9-like tree whose packages are real rpm installs: tiny noarch packages
# named after what SSG's RHEL 9 content asks about (redhat-release 9.2 with its
# /etc/redhat-release, so the RHEL 9 platform check applies; a few packages rules want present,
# and a few they want removed), built with rpmbuild and installed with `rpm --root`; the
# database is /var/lib/rpm/rpmdb.sqlite. For scripts/diff-rpm.sh's SSG comparison. The
# `fedora` variant is the same tree as a Fedora 36 (fedora-release with its
# /etc/system-release-cpe, what SSG's Fedora platform check reads, and .fc36 releases).
#
# usage: scripts/make-rpm-root.sh DIR [rhel9|fedora]   (needs: apt-get install rpm sqlite3)
set -euo pipefail
root=$(realpath -m "$1")
variant=${2:-rhel9}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home
mkdir -p "$HOME" "$work/build/SPECS"
printf '%%_topdir %s/build\n' "$work" > "$HOME/.rpmmacros"

# name version release [file content]
case $variant in
    rhel9) dist=el9
        release="redhat-release 9.2 0.13.el9 /etc/redhat-release Red Hat Enterprise Linux release 9.2 (Plow)" ;;
    fedora) dist=fc36
        release="fedora-release 36 1 /etc/system-release-cpe cpe:/o:fedoraproject:fedora:36" ;;
    *) echo "usage: $0 DIR [rhel9|fedora]" >&2; exit 1 ;;
esac
packages=(
    "$release"
    "sudo 1.9.5p2 9.${dist}"
    "aide 0.16 100.${dist}"
    "audit 3.0.7 103.${dist}"
    "rsyslog 8.2102.0 113.${dist}"
    "chrony 4.3 1.${dist}"
    "firewalld 1.2.1 1.${dist}"
    "crypto-policies 20221215 1.git9a18988.${dist}"
    "openssh-server 8.7p1 29.${dist}"
    "libpwquality 1.4.4 8.${dist}"
    "telnet-server 0.17 85.${dist}"
    "tftp-server 5.2 37.${dist}"
    "ypbind 2.7.2 8.${dist}"
)
for p in "${packages[@]}"; do
    read -r name version release file content <<< "$p"
    {
        printf 'Name: %s\nVersion: %s\nRelease: %s\nSummary: %s\nLicense: MIT\nBuildArch: noarch\n' \
            "$name" "$version" "$release" "$name"
        printf '%%description\n%s stand-in\n' "$name"
        printf '%%install\nmkdir -p %%{buildroot}/usr/share/doc/%s\n' "$name"
        printf "printf '%%s\\\\n' %s > %%{buildroot}/usr/share/doc/%s/README\n" "$name" "$name"
        if [ -n "$file" ]; then
            printf 'mkdir -p %%{buildroot}%s\n' "$(dirname "$file")"
            printf "printf '%%s\\\\n' '%s' > %%{buildroot}%s\n" "$content" "$file"
        fi
        printf '%%files\n/usr/share/doc/%s\n' "$name"
        [ -z "$file" ] || printf '%s\n' "$file"
    } > "$work/build/SPECS/$name.spec"
    rpmbuild --quiet -bb "$work/build/SPECS/$name.spec" > /dev/null 2>&1
done
rm -rf "$root" && mkdir -p "$root/etc"
rpm --root "$root" --dbpath /var/lib/rpm --nosignature --nodeps --noscripts \
    -i "$work"/build/RPMS/noarch/*.rpm 2> /dev/null
sqlite3 "$root/var/lib/rpm/rpmdb.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
if [ "$variant" = fedora ]; then
cat > "$root/etc/os-release" <<'OS'
NAME="Fedora Linux"
VERSION="36 (Thirty Six)"
ID=fedora
VERSION_ID=36
PLATFORM_ID="platform:f36"
PRETTY_NAME="Fedora Linux 36 (Thirty Six)"
CPE_NAME="cpe:/o:fedoraproject:fedora:36"
OS
else
cat > "$root/etc/os-release" <<'OS'
NAME="Red Hat Enterprise Linux"
VERSION="9.2 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.2"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.2 (Plow)"
OS
fi
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
echo "$root"
