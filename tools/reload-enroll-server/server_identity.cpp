#include "server_identity.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "crypto/trust_store.hpp"

namespace reload::enroll {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* signer_name = "~configuration-signer";  // '~' is never in a user name

boost::system::result<crypto::Certificate, std::string> issue_for_new_key(const crypto::CertificateAuthority& ca,
                                                                         const crypto::PrivateKey& key,
                                                                         const crypto::Identity& who,
                                                                         std::chrono::seconds validity) {
  auto der = crypto::make_certificate_request(key, "");
  if (!der) return "making a request: " + der.error().message();
  auto csr = crypto::CertificateRequest::parse(*der);
  if (!csr) return "reading our own request: " + csr.error().message();
  auto cert = ca.issue(*csr, who, validity);
  if (!cert) return "issuing: " + cert.error().message();
  return std::move(*cert);
}

}  // namespace

boost::system::result<void, std::string> lock_ca_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return fmt::format("{}: {}", dir.string(), ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  const fs::path lock = dir / "lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fmt::format("{}: {}", lock.string(), std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return fmt::format("{}: another reload-enroll-server uses this CA directory", dir.string());
    return fmt::format("{}: {}", lock.string(), std::strerror(e));
  }
  return {};  // fd stays open: the lock lives as long as the process
}

boost::system::result<crypto::CertificateAuthority, std::string> load_or_create_ca(const fs::path& dir,
                                                                                   const std::string& overlay,
                                                                                   const Say& say) {
  std::error_code ec;
  if (fs::exists(dir / "ca.key", ec) || fs::exists(dir / "ca.crt", ec)) {
    auto ca = crypto::CertificateAuthority::load(dir);
    if (!ca) return fmt::format("{}: the CA (ca.key, ca.crt) cannot be loaded: {}", dir.string(), ca.error().message());
    return std::move(*ca);
  }
  auto ca = crypto::CertificateAuthority::create(fmt::format("reload test CA for {}", overlay),
                                                 crypto::KeyType::ecdsa_p256, std::chrono::hours(24 * 3650));
  if (!ca) return "cannot create a CA: " + ca.error().message();
  if (auto e = ca->save(dir)) return fmt::format("{}: cannot save the CA: {}", dir.string(), e.message());
  say(fmt::format("created a CA in {}", dir.string()));
  return std::move(*ca);
}

boost::system::result<config::SigningKey, std::string> load_or_issue_signer(const fs::path& dir,
                                                                           const crypto::CertificateAuthority& ca,
                                                                           const std::string& overlay,
                                                                           NodeIdRegistry& registry, const Say& say) {
  auto ids = registry.assign(signer_name, 1);
  if (!ids) return ids.error();
  const wire::NodeId id = ids->front();
  crypto::TrustPolicy policy;
  policy.overlay = overlay;
  policy.roots = {ca.certificate()};
  const fs::path key_file = dir / "signer.key", cert_file = dir / "signer.crt";

  std::error_code ec;
  if (fs::exists(key_file, ec) && fs::exists(cert_file, ec)) {
    auto key = crypto::PrivateKey::load(key_file);
    auto cert = crypto::Certificate::load(cert_file);
    // Reused only while it still holds: this CA issued it, for this overlay and Node-ID, for
    // this key, and it has at least a month to go.
    if (key && cert && !crypto::TrustStore(policy).verify(*cert, {}, crypto::Certificate::Clock::now() + 24h * 30) &&
        cert->has_node_id(id, overlay) && wire::equal_bytes(cert->public_key_der(), key->public_key_der()))
      return config::SigningKey{std::move(*key), std::move(*cert), id, {}};
    say("the configuration signer's certificate no longer holds under this CA; issuing a new one");
  }
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256);
  if (!key) return "making the signer's key: " + key.error().message();
  crypto::Identity who;
  who.node_ids = {id};
  who.overlay = overlay;
  who.user_name = "configuration-signer@" + overlay;
  auto cert = issue_for_new_key(ca, *key, who, std::chrono::hours(24 * 365 * 2));
  if (!cert) return "the configuration signer: " + cert.error();
  if (auto e = key->save(key_file)) return fmt::format("{}: {}", key_file.string(), e.message());
  if (auto e = cert->save_pem(cert_file)) return fmt::format("{}: {}", cert_file.string(), e.message());
  return config::SigningKey{std::move(*key), std::move(*cert), id, {}};
}

boost::system::result<TlsIdentity, std::string> issue_https_identity(const crypto::CertificateAuthority& ca,
                                                                     const std::string& overlay,
                                                                     const std::string& listen_address) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256);
  if (!key) return "making the HTTPS key: " + key.error().message();
  crypto::Identity who;
  who.overlay = overlay;
  who.dns_names = {overlay, "localhost"};
  who.ip_addresses = {listen_address};
  auto cert = issue_for_new_key(ca, *key, who, std::chrono::hours(24 * 365));
  if (!cert) return "the HTTPS certificate: " + cert.error();
  return TlsIdentity{std::move(*key), std::move(*cert)};
}

}  // namespace reload::enroll
