#!/usr/bin/env bash
# Makes a TEST certificate authority for a RELOAD overlay: DIR/ca.key (unencrypted PKCS#8,
# mode 0600) and DIR/ca.crt (PEM), the two files reload-enroll-server --ca-dir reads and
# writes (src/crypto CertificateAuthority::load/save). For debugging without the server;
# never for production. See README.md.
#
#   certs/make-ca.sh [-d DIR] [-n NAME] [-k ec|rsa] [-D DAYS]
#
#   -d DIR   where to write (default certs/out/ca); refuses to overwrite an existing ca.key
#   -n NAME  the CA's commonName (default "reload test CA")
#   -k TYPE  ec (P-256, default) or rsa (2048 bits)
#   -D DAYS  validity (default 3650)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

dir="$here/out/ca"
name="reload test CA"
keytype=ec
days=3650
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "d:n:k:D:h" opt; do
  case $opt in
    d) dir=$OPTARG ;;
    n) name=$OPTARG ;;
    k) keytype=$OPTARG ;;
    D) days=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
command -v openssl >/dev/null || { echo "make-ca.sh: openssl is not installed" >&2; exit 1; }

case $keytype in
  ec) keyopts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
  rsa) keyopts=(-newkey rsa:2048) ;;
  *) echo "make-ca.sh: -k must be ec or rsa" >&2; exit 2 ;;
esac
[ -e "$dir/ca.key" ] && { echo "make-ca.sh: $dir/ca.key exists; remove it first" >&2; exit 1; }
mkdir -p "$dir"

umask 077
openssl req -x509 "${keyopts[@]}" -noenc -sha256 \
  -config "$here/ca.cnf" -subj "/CN=$name" -days "$days" \
  -set_serial "0x$(openssl rand -hex 16 | sed 's/^./1/')" \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
chmod 600 "$dir/ca.key"
chmod 644 "$dir/ca.crt"
echo "$dir/ca.key"
echo "$dir/ca.crt"
