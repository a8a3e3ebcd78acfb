#include "crypto/issuance.hpp"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crypto/oids.hpp"
#include "crypto/openssl_handles.hpp"
#include "crypto/random.hpp"
#include "crypto/signature_algorithm.hpp"
#include "crypto/trust_store.hpp"

namespace reload::crypto {

using boost::system::error_code;
using boost::system::result;

namespace {

error_code internal() { return make_error_code(crypto_errc::internal); }

struct CertificateParams {
  EVP_PKEY* subject_key = nullptr;  // the key the certificate certifies
  std::string common_name;           // empty: an empty subject
  X509* issuer = nullptr;            // nullptr: self-signed
  EVP_PKEY* issuer_key = nullptr;
  bool ca = false;
  bool subordinate = false;          // a CA that may issue leaves only (pathLenConstraint 0)
  std::chrono::seconds validity{0};
  const Identity* who = nullptr;     // the subjectAltName, for leaves
  std::vector<wire::NodeId> node_ids;
};

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// Each push hands the new GENERAL_NAME to `names` only once it is complete; until then the
// owners free whatever was made.
bool push_name(GENERAL_NAMES* names, GeneralNamePtr g) {
  if (sk_GENERAL_NAME_push(names, g.get()) <= 0) return false;
  g.release();
  return true;
}

bool push_ia5(GENERAL_NAMES* names, int type, const std::string& text) {
  Asn1StringPtr s(ASN1_IA5STRING_new());
  GeneralNamePtr g(GENERAL_NAME_new());
  if (!s || !g || ASN1_STRING_set(s.get(), text.data(), static_cast<int>(text.size())) != 1) return false;
  GENERAL_NAME_set0_value(g.get(), type, s.release());
  return push_name(names, std::move(g));
}

bool push_ip_address(GENERAL_NAMES* names, const std::string& ip) {
  Asn1StringPtr bin(a2i_IPADDRESS(ip.c_str()));
  GeneralNamePtr g(GENERAL_NAME_new());
  if (!bin || !g) return false;
  GENERAL_NAME_set0_value(g.get(), GEN_IPADD, bin.release());
  return push_name(names, std::move(g));
}

bool push_xmpp_addr(GENERAL_NAMES* names, const std::string& jid) {
  Asn1StringPtr s(ASN1_UTF8STRING_new());
  Asn1TypePtr value(ASN1_TYPE_new());
  Asn1ObjectPtr oid(OBJ_txt2obj(xmpp_addr_oid, 1));
  GeneralNamePtr g(GENERAL_NAME_new());
  if (!s || !value || !oid || !g || ASN1_STRING_set(s.get(), jid.data(), static_cast<int>(jid.size())) != 1)
    return false;
  ASN1_TYPE_set(value.get(), V_ASN1_UTF8STRING, s.release());
  if (GENERAL_NAME_set0_othername(g.get(), oid.get(), value.get()) != 1) return false;
  oid.release();
  value.release();
  return push_name(names, std::move(g));
}

bool add_subject_alt_name(X509* cert, const Identity& who, const std::vector<wire::NodeId>& ids,
                          bool critical) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return false;
  for (const auto& id : ids)
    if (!push_ia5(names.get(), GEN_URI, format_reload_uri(id, who.overlay))) return false;
  if (!who.user_name.empty() && !push_ia5(names.get(), GEN_EMAIL, who.user_name)) return false;
  if (who.xmpp_address && !push_xmpp_addr(names.get(), *who.xmpp_address)) return false;
  for (const auto& dns : who.dns_names)
    if (!push_ia5(names.get(), GEN_DNS, dns)) return false;
  for (const auto& ip : who.ip_addresses)
    if (!push_ip_address(names.get(), ip)) return false;
  if (sk_GENERAL_NAME_num(names.get()) == 0) return true;  // RFC 5280: never an empty SAN
  return X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), critical ? 1 : 0, X509V3_ADD_DEFAULT) == 1;
}

bool set_random_serial(X509* cert) {
  std::array<unsigned char, 16> r;
  if (!fill_random(r)) return false;
  r[0] &= 0x7f;  // a positive INTEGER
  r[0] |= 0x01;  // and 16 bytes long
  OpenSslPtr<BIGNUM, BN_free> bn(BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr));
  return bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

result<Certificate> build_certificate(const CertificateParams& p) {
  // A URI that would not parse back names no Node-ID: refuse rather than issue it.
  if (p.who && !p.node_ids.empty() && !parse_reload_uri(format_reload_uri(p.node_ids.front(), p.who->overlay)))
    return make_error_code(crypto_errc::wrong_overlay);
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get())) return internal();
  X509NamePtr subject(X509_NAME_new());
  if (!subject) return internal();
  if (!p.common_name.empty() &&
      X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(p.common_name.data()),
                                 static_cast<int>(p.common_name.size()), -1, 0) != 1)
    return internal();
  X509_set_subject_name(cert.get(), subject.get());
  X509_set_issuer_name(cert.get(), p.issuer ? X509_get_subject_name(p.issuer) : subject.get());
  // From a minute ago, so that peers with slightly slow clocks accept it at once.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(p.validity.count()));
  if (X509_set_pubkey(cert.get(), p.subject_key) != 1) return internal();

  X509* issuer = p.issuer ? p.issuer : cert.get();
  const char* bc = !p.ca ? "critical,CA:FALSE" : p.subordinate ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE";
  bool ok = add_ext(cert.get(), issuer, NID_basic_constraints, bc) &&
            add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (p.ca) {
    ok = ok && add_ext(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    bool rsa = key_algorithm(p.subject_key) == wire::SignatureAlgorithm::rsa;
    ok = ok && add_ext(cert.get(), issuer, NID_key_usage,
                       rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature") &&
         add_ext(cert.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  if (p.issuer) ok = ok && add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  // RFC 5280: with an empty subject the subjectAltName must be critical.
  if (p.who) ok = ok && add_subject_alt_name(cert.get(), *p.who, p.node_ids, p.common_name.empty());
  if (!ok) return internal();
  if (X509_sign(cert.get(), p.issuer_key, EVP_sha256()) <= 0) return internal();
  auto der = to_der<X509>(cert.get(), i2d_X509);
  if (der.empty()) return internal();
  return Certificate::from_der(der);
}

void free_extensions(STACK_OF(X509_EXTENSION)* s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }

}  // namespace

// ------------------------------------------------------------------ requests

struct CertificateRequest::Parsed {
  X509ReqPtr req;
  wire::Buffer der;
  wire::Buffer spki;
  std::vector<std::string> names;
};

result<CertificateRequest> CertificateRequest::parse(wire::Bytes der_or_pem) {
  X509ReqPtr req;
  std::string_view text(reinterpret_cast<const char*>(der_or_pem.data()), der_or_pem.size());
  if (text.find("-----BEGIN") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(der_or_pem.data(), static_cast<int>(der_or_pem.size())));
    if (bio) req.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const unsigned char* p = der_or_pem.data();
    req.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(der_or_pem.size())));
    if (req && p != der_or_pem.data() + der_or_pem.size()) req.reset();
  }
  if (!req) return make_error_code(crypto_errc::bad_csr);
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
  if (!key || !key_algorithm(key)) return make_error_code(crypto_errc::bad_csr);
  if (X509_REQ_verify(req.get(), key) != 1) return make_error_code(crypto_errc::bad_csr);

  auto parsed = std::make_shared<Parsed>();
  parsed->der = to_der<X509_REQ>(req.get(), i2d_X509_REQ);
  parsed->spki = to_der<EVP_PKEY>(key, i2d_PUBKEY);
  if (parsed->der.empty() || parsed->spki.empty()) return make_error_code(crypto_errc::bad_csr);

  const X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  for (int nid : {NID_commonName, NID_pkcs9_emailAddress}) {
    for (int i = X509_NAME_get_index_by_NID(subject, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, nid, i)) {
      const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
      parsed->names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 static_cast<std::size_t>(ASN1_STRING_length(s)));
    }
  }
  OpenSslPtr<STACK_OF(X509_EXTENSION), free_extensions> exts(X509_REQ_get_extensions(req.get()));
  if (exts) {
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
      if (g->type != GEN_EMAIL) continue;
      parsed->names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.rfc822Name)),
                                 static_cast<std::size_t>(ASN1_STRING_length(g->d.rfc822Name)));
    }
  }
  parsed->req = std::move(req);
  return CertificateRequest(std::move(parsed));
}

wire::Buffer CertificateRequest::der() const { return p_->der; }
wire::Buffer CertificateRequest::public_key_der() const { return p_->spki; }
const std::vector<std::string>& CertificateRequest::requested_names() const noexcept { return p_->names; }
X509_REQ* CertificateRequest::native() const noexcept { return p_->req.get(); }

result<wire::Buffer> make_certificate_request(const PrivateKey& key, std::string_view user_name) {
  X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1) return internal();
  X509NamePtr subject(X509_NAME_new());
  if (!subject) return internal();
  if (!user_name.empty() &&
      X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(user_name.data()),
                                 static_cast<int>(user_name.size()), -1, 0) != 1)
    return internal();
  if (X509_REQ_set_subject_name(req.get(), subject.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.native()) != 1 ||
      X509_REQ_sign(req.get(), key.native(), EVP_sha256()) <= 0)
    return internal();
  auto der = to_der<X509_REQ>(req.get(), i2d_X509_REQ);
  if (der.empty()) return internal();
  return der;
}

// ------------------------------------------------------------------ the CA

result<CertificateAuthority> CertificateAuthority::create(std::string_view name, KeyType type,
                                                          std::chrono::seconds validity) {
  auto key = PrivateKey::generate(type);
  if (!key) return key.error();
  CertificateParams p;
  p.subject_key = key->native();
  p.issuer_key = key->native();
  p.common_name = std::string(name);
  p.ca = true;
  p.validity = validity;
  auto cert = build_certificate(p);
  if (!cert) return cert.error();
  return CertificateAuthority(std::move(*key), std::move(*cert));
}

result<CertificateAuthority> CertificateAuthority::make_subordinate(std::string_view name, KeyType type,
                                                                    std::chrono::seconds validity) const {
  auto key = PrivateKey::generate(type);
  if (!key) return key.error();
  CertificateParams p;
  p.subject_key = key->native();
  p.common_name = std::string(name);
  p.issuer = certificate_.native();
  p.issuer_key = key_.native();
  p.ca = true;
  p.subordinate = true;
  p.validity = validity;
  auto cert = build_certificate(p);
  if (!cert) return cert.error();
  return CertificateAuthority(std::move(*key), std::move(*cert));
}

result<CertificateAuthority> CertificateAuthority::load(const std::filesystem::path& dir) {
  auto key = PrivateKey::load(dir / "ca.key");
  if (!key) return key.error();
  auto cert = Certificate::load(dir / "ca.crt");
  if (!cert) return cert.error();
  if (X509_check_private_key(cert->native(), key->native()) != 1) return make_error_code(crypto_errc::key_mismatch);
  if (!cert->is_ca()) return make_error_code(crypto_errc::not_a_ca);
  return CertificateAuthority(std::move(*key), std::move(*cert));
}

error_code CertificateAuthority::save(const std::filesystem::path& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error_code(ec.value(), boost::system::generic_category());
  if (auto e = key_.save(dir / "ca.key")) return e;
  return certificate_.save_pem(dir / "ca.crt");
}

result<Certificate> CertificateAuthority::issue(const CertificateRequest& request, const Identity& who,
                                                std::chrono::seconds validity) const {
  CertificateParams p;
  p.subject_key = X509_REQ_get0_pubkey(request.native());
  p.issuer = certificate_.native();
  p.issuer_key = key_.native();
  p.validity = validity;
  p.who = &who;
  p.node_ids = who.node_ids;
  return build_certificate(p);
}

result<Certificate> make_self_signed(const PrivateKey& key, const Identity& who, wire::HashAlgorithm digest,
                                     std::size_t node_id_length, std::size_t count,
                                     std::chrono::seconds validity) {
  if (count == 0) return make_error_code(crypto_errc::no_node_id);
  auto spki = key.public_key_der();
  CertificateParams p;
  p.subject_key = key.native();
  p.issuer_key = key.native();
  p.common_name = who.user_name;  // a self-signed certificate cannot have an empty subject and issuer
  p.validity = validity;
  p.who = &who;
  if (count == 1) {
    p.node_ids.push_back(self_signed_node_id(spki, digest, 0, node_id_length));
  } else {
    for (std::uint32_t i = 1; i <= count; ++i) p.node_ids.push_back(self_signed_node_id(spki, digest, i, node_id_length));
  }
  if (p.node_ids.front().empty()) return make_error_code(crypto_errc::unsupported_algorithm);
  return build_certificate(p);
}

}  // namespace reload::crypto
