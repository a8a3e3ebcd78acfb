// What the enrollment tests share: a temporary directory, and a CA directory as
// reload-enroll-server keeps it, with a signed configuration document made from the shipped
// template (overlay-config/local-xmpp.xml) the way the server makes it at start.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <doctest/doctest.h>
#include <unistd.h>

#include "config/document_signer.hpp"
#include "config_template.hpp"
#include "crypto/issuance.hpp"
#include "node_id_registry.hpp"
#include "server_identity.hpp"

#ifndef OVERLAY_CONFIG_DIR
#error "OVERLAY_CONFIG_DIR (overlay-config) must be defined by the build"
#endif

namespace reload::test {

// The value of a result whose error is a one-line string (boost's value() cannot throw a
// std::string), failing the test with that line.
template <class T>
T must(boost::system::result<T, std::string> r) {
  if (!r) {
    FAIL_CHECK(r.error());
    throw std::runtime_error(r.error());
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

struct TempDir {
  std::filesystem::path dir;
  explicit TempDir(std::string_view name)
      : dir(std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline const char* const overlay_name = "xmpp.reload.test";

// A CA directory with a CA and a configuration signer, and the signed document.
struct SignedOverlay {
  std::filesystem::path ca_dir;
  crypto::CertificateAuthority ca;
  std::string document;

  explicit SignedOverlay(const std::filesystem::path& dir, std::string_view url = "https://127.0.0.1:1/enroll")
      : ca_dir(dir / "ca"), ca(must(enroll::load_or_create_ca(ca_dir, overlay_name, [](const std::string&) {}))) {
    auto registry = must(enroll::NodeIdRegistry::load(ca_dir / "issued-node-ids", 16));
    auto signer = must(enroll::load_or_issue_signer(ca_dir, ca, overlay_name, registry, [](const std::string&) {}));
    auto tpl = read_file(std::string(OVERLAY_CONFIG_DIR) + "/local-xmpp.xml");
    auto filled = enroll::set_enrollment_server(tpl, "local-xmpp.xml", url).value();
    std::vector<crypto::Certificate> roots{ca.certificate()};
    document = config::sign_overlay_document(filled, "local-xmpp.xml", signer, roots).value();
  }

  // A node certificate from this CA, as the server would issue it.
  crypto::Certificate issue(const crypto::PrivateKey& key, std::string user, std::size_t ids = 1,
                            std::optional<std::string> xmpp = std::nullopt) const {
    auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
    crypto::Identity who;
    who.overlay = overlay_name;
    who.user_name = std::move(user);
    who.xmpp_address = std::move(xmpp);
    for (std::size_t i = 0; i < ids; ++i) {
      wire::Buffer b(16, static_cast<std::uint8_t>(0x10 + i));
      who.node_ids.emplace_back(wire::Bytes(b));
    }
    return ca.issue(csr, who, std::chrono::hours(1)).value();
  }
};

}  // namespace reload::test
