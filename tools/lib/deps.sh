# The Debian 12 packages the build, the tests and the demo need (../shared/DESIGN.md,
# "Dependencies"). Sourced by tools/run-tests and tools/run-demo.
RELOAD_PACKAGES=(
  meson ninja-build pkg-config gcc g++ clang  # gcc: the C ABI test builds a C program
  libboost1.81-dev libssl-dev libexpat1-dev libcxxopts-dev doctest-dev
  libspdlog-dev libfmt-dev libpcap-dev
  libnice-dev  # ICE (libnice 0.1.21 on GLib)
  iptables coturn iproute2  # tools/nat-rig: NATs in network namespaces, STUN and TURN
  tshark python3
  libicu-dev libidn2-dev python3-precis-i18n python3-idna libstrophe-dev  # XMPP: JIDs, their oracles, interop
  curl openssl  # the enrollment tests enroll with them; certs/ scripts use openssl
  libns3-dev  # reload-sim (-Dsimulator=true): ns-3's discrete-event scheduler, 13 MB
)

ensure_packages() {
  local missing=() p
  for p in "${RELOAD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${missing[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
