#!/usr/bin/env bash
# Build a Wolfi-like root tree (the images Chainguard's GPOS STIG content is written for), without
# apk or network: merged /usr, busybox applets as absolute symlinks, the apk database and
# repositories file, a CA bundle with apko's `.sha256` sidecar, OpenSSL and OpenSSH FIPS
# configuration, accounts.
#
# usage: scripts/make-wolfi-root.sh VARIANT DIR
#   hardened  what a Chainguard FIPS image looks like: the checks it can satisfy pass
#   plain     the same image gone wrong: an SSH server and Samba installed, a plain-http
#             repository, a CA bundle that no longer matches its sidecar, a password set, an
#             OpenSSL config without the FIPS provider, SSH client MACs not restricted, and (when
#             run as root) /var/log and a library owned by the application user
# Ownership rules pass only when the tree is built as root (files owned by uid 0).
# The image's environment (SSL_CERT_FILE...) is written to DIR.env (NAME=value lines), for
# `scan --env-file` / `OSCAP_CONTAINER_VARS` / an image config's Env.
set -euo pipefail
variant=${1:?usage: make-wolfi-root.sh hardened|plain DIR}
dir=${2:?usage: make-wolfi-root.sh hardened|plain DIR}
case $variant in hardened|plain) ;; *) echo "unknown variant $variant" >&2; exit 1 ;; esac

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
mkdir -p usr/bin usr/sbin usr/lib/apk/db etc/apk etc/ssl/certs etc/ssh/ssh_config.d \
    etc/ssh/sshd_config.d var/log var/lib home/nonroot root tmp proc sys dev
# merged /usr: the top-level directories are relative links into /usr
ln -s usr/bin bin
ln -s usr/sbin sbin
ln -s usr/lib lib
chmod 1777 tmp
chmod 700 root

# busybox and its applets, as apko installs them: absolute symlinks
printf '\177ELF busybox stand-in\n' > usr/bin/busybox
chmod 755 usr/bin/busybox
for a in sh ash ls cat cp mv rm grep sed awk sysctl id; do ln -s /bin/busybox "usr/bin/$a"; done
printf '\177ELF libc stand-in\n' > usr/lib/libc.so.6
printf '\177ELF libcrypto stand-in\n' > usr/lib/libcrypto.so.3
chmod 755 usr/lib/libc.so.6 usr/lib/libcrypto.so.3
mkdir -p usr/lib/ossl-modules
printf '\177ELF fips provider stand-in\n' > usr/lib/ossl-modules/fips.so

cat > etc/os-release <<'EOF'
ID=wolfi
NAME="Wolfi"
PRETTY_NAME="Wolfi"
VERSION_ID="20230201"
HOME_URL="https://wolfi.dev"
EOF
echo wolfi > etc/hostname

pkg() { # NAME VERSION
    printf 'C:Q1%s=\nP:%s\nV:%s\nA:x86_64\nS:1024\nI:4096\nT:%s\nL:Apache-2.0\no:%s\nm:Wolfi\n\n' \
        "$(printf %s "$1" | sha1sum | cut -c1-27)" "$1" "$2" "$1" "$1"
}
{
    pkg wolfi-baselayout 20230201-r15
    pkg busybox 1.37.0-r30
    pkg glibc 2.41-r3
    pkg ca-certificates-bundle 20241121-r42
    pkg libcrypto3 3.5.0-r1
    pkg openssl-config-fipshardened 3.5.0-r1
    pkg openssl-provider-fips 3.1.2-r1
    pkg openssh-client 10.0_p1-r2
    if [ "$variant" = plain ]; then
        pkg openssh-server 10.0_p1-r2
        pkg samba 4.21.4-r0
    fi
} > usr/lib/apk/db/installed
if [ "$variant" = hardened ]; then
    printf 'https://packages.wolfi.dev/os\n' > etc/apk/repositories
else
    printf 'https://packages.wolfi.dev/os\nhttp://mirror.example.invalid/wolfi\n' > etc/apk/repositories
fi

# the CA bundle and apko's sidecar with its SHA-256
printf -- '-----BEGIN CERTIFICATE-----\nMIIBstand-in\n-----END CERTIFICATE-----\n' > etc/ssl/certs/ca-certificates.crt
(cd etc/ssl/certs && sha256sum ca-certificates.crt > .ca-certificates.crt.sha256)
if [ "$variant" = plain ]; then
    printf -- '-----BEGIN CERTIFICATE-----\nMIIBadded-later\n-----END CERTIFICATE-----\n' >> etc/ssl/certs/ca-certificates.crt
fi

if [ "$variant" = hardened ]; then
    cat > etc/ssl/openssl.cnf <<'EOF'
openssl_conf = openssl_init
.include fipsmodule.cnf
[openssl_init]
providers = provider_sect
alg_section = algorithm_sect
[provider_sect]
fips = fips_sect
base = base_sect
[base_sect]
activate = 1
[algorithm_sect]
default_properties = fips=yes
EOF
else
    printf 'openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n[provider_sect]\ndefault = default_sect\n[default_sect]\nactivate = 1\n' > etc/ssl/openssl.cnf
fi
printf '[fips_sect]\nactivate = 1\n' > etc/ssl/fipsmodule.cnf

algos='ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256'
fips_ssh() {
    printf 'Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr\n'
    printf 'MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512\n'
    printf 'KexAlgorithms ecdh-sha2-nistp256,ecdh-sha2-nistp384\n'
    printf 'HostKeyAlgorithms %s\n' "$algos"
    printf 'PubkeyAcceptedAlgorithms %s\n' "$algos"
    printf 'HostBasedAcceptedAlgorithms %s\n' "$algos"
    printf 'CASignatureAlgorithms ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256\n'
    printf 'RequiredRSASize 2048\n'
}
printf 'Include /etc/ssh/ssh_config.d/*.conf\nHost *\n' > etc/ssh/ssh_config
if [ "$variant" = hardened ]; then
    fips_ssh > etc/ssh/ssh_config.d/10-ssh-fips.conf
else
    fips_ssh | grep -v '^MACs' > etc/ssh/ssh_config.d/10-ssh-fips.conf
    printf 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n' > etc/ssh/sshd_config
    fips_ssh > etc/ssh/sshd_config.d/10-sshd-fips.conf
fi

printf 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n' > etc/passwd
printf 'root:x:0:\nnonroot:x:65532:\n' > etc/group
if [ "$variant" = hardened ]; then
    printf 'root:*:19000:0:99999:7:::\nnonroot:!:19000:0:99999:7:::\n' > etc/shadow
else
    printf 'root:$6$salt$Zm9vYmFyYmF6:19000:0:99999:7:::\nnonroot:!:19000:0:99999:7:::\n' > etc/shadow
fi
chmod 644 etc/passwd etc/group
chmod 640 etc/shadow
chown 65532:65532 home/nonroot 2>/dev/null || true  # not root: owned by the builder

printf 'started\n' > var/log/apk.log
chmod 644 var/log/apk.log
if [ "$variant" = plain ]; then
    # owned by the application user, not root (needs root to build; skipped otherwise)
    chown 65532:65532 var/log usr/lib/libcrypto.so.3 2>/dev/null || true
fi

{
    printf 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'
    printf 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\n'
} > "$dir.env"
echo "$dir"
