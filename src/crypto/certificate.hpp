// An X.509 certificate as RELOAD reads it (RFC 6940 sections 6.3.4, 11.3; XEP-0415 4.4):
// the Node-IDs from its `reload://<hex destination list>@<overlay>/` URIs, the user name
// from its rfc822Name, and the XMPP address from the id-on-xmppAddr otherName (OID
// 1.3.6.1.5.5.7.8.5, UTF8String; RFC 6120 section 13.7.1.4).
//
// Everything is read once, when the certificate is parsed; the object is immutable and cheap
// to copy (shared), so a verified certificate can sit in a cache and in many messages.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>
#include <reload/errors.hpp>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

typedef struct x509_st X509;

namespace reload::crypto {

// One reload:// URI of a subjectAltName that names a peer (a single node_id destination).
struct ReloadUri {
  wire::NodeId node_id;
  std::string overlay;
  friend bool operator==(const ReloadUri&, const ReloadUri&) = default;
};

// "reload://0110<32 hex digits>@overlay/": the Destination of type node (1), length, id.
std::string format_reload_uri(const wire::NodeId& id, std::string_view overlay);
// nullopt unless `uri` is a reload:// URI of exactly one node_id destination and no
// specifier.
std::optional<ReloadUri> parse_reload_uri(std::string_view uri);

class Certificate {
 public:
  using Clock = std::chrono::system_clock;

  static boost::system::result<Certificate> from_der(wire::Bytes der);
  static boost::system::result<Certificate> from_pem(std::string_view pem);
  static boost::system::result<Certificate> load(const std::filesystem::path& file);  // PEM or DER
  boost::system::error_code save_pem(const std::filesystem::path& file) const;
  std::string pem() const;

  wire::Bytes der() const noexcept;
  // SHA-256 of the DER: the cert_hash of a SignerIdentity (RFC 6940 section 6.3.4) and the
  // certificate cache's key.
  wire::Bytes sha256() const noexcept;
  // DER SubjectPublicKeyInfo (self-signed Node-IDs are its digest, section 11.3.1).
  wire::Bytes public_key_der() const noexcept;

  // Every reload:// URI in the subjectAltName, in certificate order; other URIs are skipped.
  const std::vector<ReloadUri>& reload_uris() const noexcept;
  // The Node-IDs of the URIs whose overlay is `overlay`.
  std::vector<wire::NodeId> node_ids(std::string_view overlay) const;
  bool has_node_id(const wire::NodeId& id, std::string_view overlay) const;
  // The rfc822Name entries (RFC 6940 allows one: the user name).
  const std::vector<std::string>& user_names() const noexcept;
  // The id-on-xmppAddr otherName entries, as UTF-8, unprepared (the certificate holds the
  // prepared bare JID the enrollment server wrote).
  const std::vector<std::string>& xmpp_addresses() const noexcept;

  bool is_ca() const noexcept;           // basicConstraints cA=TRUE
  bool is_self_signed() const noexcept;  // issuer == subject and the signature verifies
  Clock::time_point not_before() const noexcept;
  Clock::time_point not_after() const noexcept;
  // not_yet_valid or expired when `now` is outside [not_before, not_after], else success.
  boost::system::error_code valid_at(Clock::time_point now) const noexcept;
  std::string subject() const;  // one-line RFC 2253 form, for messages
  std::string issuer() const;

  // Success when `signature` is this certificate's key's over SHA-256(input) (PKCS#1 v1.5
  // or ECDSA), else bad_signature. Copies share one verifying context.
  boost::system::error_code check_signature(wire::Bytes input, wire::Bytes signature) const;

  X509* native() const noexcept;

  friend bool operator==(const Certificate& a, const Certificate& b) noexcept {
    return wire::equal_bytes(a.der(), b.der());
  }

 private:
  struct Parsed;
  explicit Certificate(std::shared_ptr<const Parsed> p) : p_(std::move(p)) {}
  std::shared_ptr<const Parsed> p_;
};

}  // namespace reload::crypto
