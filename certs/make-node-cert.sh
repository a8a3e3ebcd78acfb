#!/usr/bin/env bash
# Makes a TEST RELOAD node certificate by hand, issued by a CA made by make-ca.sh (or by
# reload-enroll-server: point -d at its --ca-dir), with what an enrollment server puts in
# (RFC 6940 section 11.3, XEP-0415 section 4.4): an empty subject, one
# reload://<hex destination list>@<overlay>/ URI per Node-ID, the rfc822Name user name and
# optionally the id-on-xmppAddr otherName. For people debugging without the server; never
# for production. See README.md.
#
#   certs/make-node-cert.sh -o OVERLAY -u USER [options]
#
#   -o OVERLAY  the overlay's instance-name (required)
#   -u USER     the rfc822Name user name, e.g. alice@xmpp.reload.test (required)
#   -x JID      a bare JID for the id-on-xmppAddr otherName (default: none)
#   -i HEX      a Node-ID in hex (16 to 20 bytes); repeat for several (default: one random)
#   -c COUNT    this many random Node-IDs instead of -i
#   -l LENGTH   Node-ID length in bytes for random ones (default 16, the overlay's node-id-length)
#   -d CADIR    the CA's directory with ca.key and ca.crt (default certs/out/ca)
#   -O PREFIX   output PREFIX.key (0600), PREFIX.csr, PREFIX.crt (PEM), PREFIX.der
#               (default certs/out/<user part of USER>)
#   -k TYPE     ec (P-256, default) or rsa (2048 bits)
#   -D DAYS     validity (default 365)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

overlay="" user="" jid="" count="" length=16 cadir="$here/out/ca" prefix="" keytype=ec days=365
ids=()
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "make-node-cert.sh: $*" >&2; exit 1; }
while getopts "o:u:x:i:c:l:d:O:k:D:h" opt; do
  case $opt in
    o) overlay=$OPTARG ;;
    u) user=$OPTARG ;;
    x) jid=$OPTARG ;;
    i) ids+=("$OPTARG") ;;
    c) count=$OPTARG ;;
    l) length=$OPTARG ;;
    d) cadir=$OPTARG ;;
    O) prefix=$OPTARG ;;
    k) keytype=$OPTARG ;;
    D) days=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ -n "$overlay" ] && [ -n "$user" ] || usage
command -v openssl >/dev/null || die "openssl is not installed"
[ -r "$cadir/ca.key" ] && [ -r "$cadir/ca.crt" ] || die "no ca.key and ca.crt in $cadir (run make-ca.sh)"

# Names go into the certificate as IA5String/UTF8String through openssl's config syntax,
# where ',' separates entries: refuse what would be misread rather than escape it.
case "$overlay$user$jid" in *[,\ \	]*) die "names must not contain commas or whitespace" ;; esac
[[ $user == *@* ]] || die "-u must be an rfc822 name (user@domain)"
if [ -n "$jid" ]; then
  [[ $jid =~ ^[^@/]+@[^@/]+$ ]] || die "-x must be a bare JID (local@domain)"
fi
[[ $length =~ ^[0-9]+$ ]] && [ "$length" -ge 16 ] && [ "$length" -le 20 ] || die "-l must be 16 to 20"

if [ ${#ids[@]} -eq 0 ]; then
  count=${count:-1}
  [[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge 1 ] && [ "$count" -le 32 ] || die "-c must be 1 to 32"
  for ((i = 0; i < count; i++)); do ids+=("$(openssl rand -hex "$length")"); done
elif [ -n "$count" ]; then
  die "give -i or -c, not both"
fi

# reload://<destination list>@<overlay>/ where the list is one node_id Destination:
# type 01, length, the Node-ID (RFC 6940 sections 6.3.2.2 and 14.15).
san=""
for id in "${ids[@]}"; do
  id=$(tr 'A-F' 'a-f' <<<"$id")
  [[ $id =~ ^[0-9a-f]+$ ]] && [ $((${#id} % 2)) -eq 0 ] || die "-i $id is not hex"
  n=$((${#id} / 2))
  [ "$n" -ge 16 ] && [ "$n" -le 20 ] || die "-i $id: a Node-ID is 16 to 20 bytes"
  san+="URI:reload://01$(printf '%02x' "$n")$id@$overlay/,"
done
san+="email:$user"
[ -n "$jid" ] && san+=",otherName:1.3.6.1.5.5.7.8.5;UTF8:$jid"

case $keytype in
  ec) keyopts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); ku=digitalSignature ;;
  rsa) keyopts=(-newkey rsa:2048); ku=digitalSignature,keyEncipherment ;;
  *) die "-k must be ec or rsa" ;;
esac

[ -n "$prefix" ] || prefix="$here/out/${user%%@*}"
mkdir -p "$(dirname "$prefix")"
umask 077
# The request asks for the user name, as the enrollment client's does (CN = user).
openssl req -new "${keyopts[@]}" -noenc -subj "/CN=$user" \
  -keyout "$prefix.key" -out "$prefix.csr" 2>/dev/null
chmod 600 "$prefix.key"
umask 022
RELOAD_SAN=$san RELOAD_KEY_USAGE=$ku openssl x509 -req -in "$prefix.csr" \
  -CA "$cadir/ca.crt" -CAkey "$cadir/ca.key" \
  -set_serial "0x$(openssl rand -hex 16 | sed 's/^./1/')" -days "$days" -sha256 \
  -subj "/" -extfile "$here/node.cnf" -extensions node_ext -out "$prefix.crt" 2>/dev/null
openssl x509 -in "$prefix.crt" -outform DER -out "$prefix.der"
openssl verify -CAfile "$cadir/ca.crt" "$prefix.crt" >/dev/null || die "the new certificate does not verify"

echo "$prefix.key"
echo "$prefix.crt"
for id in "${ids[@]}"; do echo "node-id $(tr 'A-F' 'a-f' <<<"$id")"; done
