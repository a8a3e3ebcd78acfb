// The security block and signatures (RFC 6940 section 6.3.4).
//
//   SecurityBlock      = GenericCertificate certificates<0..2^16-1> | Signature
//   GenericCertificate = type(1) | certificate<0..2^16-1>        (X.509 DER for type 0)
//   Signature          = SignatureAndHashAlgorithm(2) | SignerIdentity | signature_value<0..2^16-1>
//   SignerIdentity     = identity_type(1) | length(2) | value[length]
// SignatureAndHashAlgorithm is {hash, signature} in that order (PITFALLS.md item 8).
#pragma once

#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/describe.hpp"
#include "wire/codec_context.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

// TLS HashAlgorithm and SignatureAlgorithm registries (RFC 5246 section 7.4.1.4.1).
enum class HashAlgorithm : std::uint8_t {
  none = 0, md5 = 1, sha1 = 2, sha224 = 3, sha256 = 4, sha384 = 5, sha512 = 6,
};
enum class SignatureAlgorithm : std::uint8_t { anonymous = 0, rsa = 1, dsa = 2, ecdsa = 3 };

// RFC 6091 CertificateType: X.509 is the only one RELOAD defines.
enum class CertificateType : std::uint8_t { x509 = 0, openpgp = 1 };

enum class SignerIdentityType : std::uint8_t { cert_hash = 1, cert_hash_node_id = 2, none = 3 };

struct SignatureAndHashAlgorithm {
  HashAlgorithm hash = HashAlgorithm::none;
  SignatureAlgorithm signature = SignatureAlgorithm::anonymous;
  friend bool operator==(const SignatureAndHashAlgorithm&, const SignatureAndHashAlgorithm&) = default;
};

struct SignerIdentity {
  SignerIdentityType identity_type = SignerIdentityType::none;
  // cert_hash and cert_hash_node_id: the hash algorithm and H(certificate) or
  // H(NodeId || certificate).
  HashAlgorithm hash_alg = HashAlgorithm::none;
  Bytes hash;  // <0..2^8-1>
  // A type this codec does not know: its value bytes, kept as they came.
  Bytes unknown_value;
};

struct Signature {
  SignatureAndHashAlgorithm algorithm;
  SignerIdentity identity;
  Bytes signature_value;  // <0..2^16-1>
};

struct GenericCertificate {
  CertificateType type = CertificateType::x509;
  Bytes certificate;  // <0..2^16-1>, DER for X.509
};

struct SecurityBlock {
  std::vector<GenericCertificate> certificates;  // <0..2^16-1>
  Signature signature;
};

void decode(Reader& r, SignatureAndHashAlgorithm& a, const CodecContext& ctx);
void encode(Writer& w, const SignatureAndHashAlgorithm& a);
void decode(Reader& r, SignerIdentity& s, const CodecContext& ctx);
void encode(Writer& w, const SignerIdentity& s);
void decode(Reader& r, Signature& s, const CodecContext& ctx);
void encode(Writer& w, const Signature& s);
void decode(Reader& r, GenericCertificate& c, const CodecContext& ctx);
void encode(Writer& w, const GenericCertificate& c);
void decode(Reader& r, SecurityBlock& b, const CodecContext& ctx);
void encode(Writer& w, const SecurityBlock& b);

BOOST_DESCRIBE_ENUM(HashAlgorithm, none, md5, sha1, sha224, sha256, sha384, sha512)
BOOST_DESCRIBE_ENUM(SignatureAlgorithm, anonymous, rsa, dsa, ecdsa)
BOOST_DESCRIBE_ENUM(CertificateType, x509, openpgp)
BOOST_DESCRIBE_ENUM(SignerIdentityType, cert_hash, cert_hash_node_id, none)
RELOAD_WIRE_DESCRIBE(SignatureAndHashAlgorithm, (hash, signature))
RELOAD_WIRE_DESCRIBE(SignerIdentity, (identity_type, hash_alg, hash, unknown_value))
RELOAD_WIRE_DESCRIBE(Signature, (algorithm, identity, signature_value))
RELOAD_WIRE_DESCRIBE(GenericCertificate, (type, certificate))
RELOAD_WIRE_DESCRIBE(SecurityBlock, (certificates, signature))

}  // namespace reload::wire
