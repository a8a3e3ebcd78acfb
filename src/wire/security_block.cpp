#include "wire/security_block.hpp"

namespace reload::wire {

void decode(Reader& r, SignatureAndHashAlgorithm& a, const CodecContext&) {
  a.hash = static_cast<HashAlgorithm>(r.u8("SignatureAndHashAlgorithm.hash"));
  a.signature = static_cast<SignatureAlgorithm>(r.u8("SignatureAndHashAlgorithm.signature"));
}

void encode(Writer& w, const SignatureAndHashAlgorithm& a) {
  w.u8(static_cast<std::uint8_t>(a.hash));
  w.u8(static_cast<std::uint8_t>(a.signature));
}

void decode(Reader& r, SignerIdentity& s, const CodecContext&) {
  std::size_t at = r.offset();
  std::uint8_t type = r.u8("SignerIdentity.identity_type");
  Reader value = r.sub(2, "SignerIdentity.length");
  if (!r.ok()) return;
  s = SignerIdentity{};
  s.identity_type = static_cast<SignerIdentityType>(type);
  switch (s.identity_type) {
    case SignerIdentityType::cert_hash:
    case SignerIdentityType::cert_hash_node_id:
      s.hash_alg = static_cast<HashAlgorithm>(value.u8("SignerIdentity.hash_alg"));
      s.hash = value.opaque(1, "SignerIdentity.certificate_hash");
      value.expect_end("SignerIdentity.identity");
      break;
    case SignerIdentityType::none:
      value.expect_end("SignerIdentity (none carries no value)");
      break;
    default:
      if (type == 0) {
        r.fail_at(at, codec_errc::invalid_value, "SignerIdentity.identity_type");
        return;
      }
      s.unknown_value = value.rest();
  }
}

void encode(Writer& w, const SignerIdentity& s) {
  w.u8(static_cast<std::uint8_t>(s.identity_type));
  auto len = w.length_prefix(2, "SignerIdentity.length");
  switch (s.identity_type) {
    case SignerIdentityType::cert_hash:
    case SignerIdentityType::cert_hash_node_id:
      w.u8(static_cast<std::uint8_t>(s.hash_alg));
      w.opaque(1, s.hash, "SignerIdentity.certificate_hash");
      break;
    case SignerIdentityType::none:
      break;
    default:
      w.raw(s.unknown_value);
  }
}

void decode(Reader& r, Signature& s, const CodecContext& ctx) {
  decode(r, s.algorithm, ctx);
  decode(r, s.identity, ctx);
  s.signature_value = r.opaque(2, "Signature.signature_value");
}

void encode(Writer& w, const Signature& s) {
  encode(w, s.algorithm);
  encode(w, s.identity);
  w.opaque(2, s.signature_value, "Signature.signature_value");
}

void decode(Reader& r, GenericCertificate& c, const CodecContext&) {
  c.type = static_cast<CertificateType>(r.u8("GenericCertificate.type"));
  c.certificate = r.opaque(2, "GenericCertificate.certificate");
}

void encode(Writer& w, const GenericCertificate& c) {
  w.u8(static_cast<std::uint8_t>(c.type));
  w.opaque(2, c.certificate, "GenericCertificate.certificate");
}

void decode(Reader& r, SecurityBlock& b, const CodecContext& ctx) {
  Reader certs = r.sub(2, "SecurityBlock.certificates");
  b.certificates.clear();
  while (certs.more()) {
    GenericCertificate c;
    decode(certs, c, ctx);
    if (certs.ok()) b.certificates.push_back(c);
  }
  decode(r, b.signature, ctx);
}

void encode(Writer& w, const SecurityBlock& b) {
  {
    auto len = w.length_prefix(2, "SecurityBlock.certificates");
    for (const auto& c : b.certificates) encode(w, c);
  }
  encode(w, b.signature);
}

}  // namespace reload::wire
