// Certificate requests and issuing, for enrollment (RFC 6940 section 11.3) and for
// self-signed overlays (section 11.3.1).
//
// The enrollment client makes a key and a PKCS#10 request; the enrollment server parses the
// request (its self-signature must verify), and its CertificateAuthority issues a
// certificate with an empty subject whose subjectAltName holds one reload:// URI per
// Node-ID, the rfc822Name user name, and for XMPP users the id-on-xmppAddr otherName
// (XEP-0415 section 4.4; the usage's rule wins over the RFC's "no other identities").
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"
#include "wire/node_id.hpp"

typedef struct X509_req_st X509_REQ;

namespace reload::crypto {

// A PKCS#10 request whose self-signature verified.
class CertificateRequest {
 public:
  // DER or PEM. bad_csr when it does not parse, its signature does not verify, or its key is
  // not RSA (>= 2048 bits) or EC P-256.
  static boost::system::result<CertificateRequest> parse(wire::Bytes der_or_pem);

  wire::Buffer der() const;
  wire::Buffer public_key_der() const;  // SubjectPublicKeyInfo
  // The names the requester asks for: the subject's commonName and emailAddress, and the
  // rfc822Names of a requested subjectAltName, in that order. May be empty.
  const std::vector<std::string>& requested_names() const noexcept;

  X509_REQ* native() const noexcept;

 private:
  struct Parsed;
  explicit CertificateRequest(std::shared_ptr<const Parsed> p) : p_(std::move(p)) {}
  std::shared_ptr<const Parsed> p_;
};

// Makes the request the enrollment client sends: subject CN = `user_name` (may be empty),
// signed with `key`. DER.
boost::system::result<wire::Buffer> make_certificate_request(const PrivateKey& key,
                                                             std::string_view user_name);

// What goes into an issued (or self-signed) certificate.
struct Identity {
  std::vector<wire::NodeId> node_ids;
  std::string overlay;
  std::string user_name;                    // rfc822Name
  std::optional<std::string> xmpp_address;  // id-on-xmppAddr, already a prepared bare JID
  // For TLS servers that are not peers (the enrollment server): dNSName and iPAddress.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};

class CertificateAuthority {
 public:
  // A fresh CA: a key of `type` and a self-signed certificate (CN = `name`, basicConstraints
  // critical cA=TRUE, keyUsage keyCertSign and cRLSign) valid for `validity`.
  static boost::system::result<CertificateAuthority> create(std::string_view name, KeyType type,
                                                            std::chrono::seconds validity);
  // A subordinate CA signed by this one: CN = `name`, basicConstraints critical cA=TRUE with
  // pathLenConstraint 0, keyUsage keyCertSign and cRLSign. Its leaves chain to this CA's
  // root through its certificate, which the peer must then send along (an intermediate).
  boost::system::result<CertificateAuthority> make_subordinate(std::string_view name, KeyType type,
                                                               std::chrono::seconds validity) const;
  // Reads ca.key and ca.crt (PEM) from `dir`.
  static boost::system::result<CertificateAuthority> load(const std::filesystem::path& dir);
  // Writes ca.key (mode 0600) and ca.crt to `dir`, creating it.
  boost::system::error_code save(const std::filesystem::path& dir) const;

  const Certificate& certificate() const noexcept { return certificate_; }

  // Issues a leaf certificate for the request's key: empty subject, random serial,
  // basicConstraints cA=FALSE, keyUsage digitalSignature (and keyEncipherment for RSA),
  // extendedKeyUsage serverAuth and clientAuth (peers are both ends of TLS), the SAN above,
  // valid from now - 1 minute for `validity`. Signed with SHA-256. wrong_overlay when `who`
  // has Node-IDs but its overlay is no URI host name (reg-name).
  boost::system::result<Certificate> issue(const CertificateRequest& request, const Identity& who,
                                           std::chrono::seconds validity) const;

 private:
  CertificateAuthority(PrivateKey key, Certificate certificate)
      : key_(std::move(key)), certificate_(std::move(certificate)) {}
  PrivateKey key_;
  Certificate certificate_;
};

// A self-signed certificate for overlays with self-signed-permitted (section 11.3.1): its
// Node-IDs are computed from the key with self_signed_node_id (trust_store.hpp); `who`'s
// node_ids are ignored and `count` Node-IDs are made.
boost::system::result<Certificate> make_self_signed(const PrivateKey& key, const Identity& who,
                                                    wire::HashAlgorithm digest,
                                                    std::size_t node_id_length,
                                                    std::size_t count,
                                                    std::chrono::seconds validity);

}  // namespace reload::crypto
