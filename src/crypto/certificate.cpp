#include "crypto/certificate.hpp"

#include <ctime>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "crypto/atomic_file.hpp"
#include "crypto/key_operation.hpp"
#include "crypto/oids.hpp"
#include "crypto/openssl_handles.hpp"
#include "reload/file_io.hpp"
#include "wire/saturating_time.hpp"

namespace reload::crypto {

using boost::system::error_code;

namespace {
struct SubjectAltNames {
  std::vector<ReloadUri> uris;
  std::vector<std::string> user_names;
  std::vector<std::string> xmpp_addresses;
};
}  // namespace

struct Certificate::Parsed {
  X509Ptr x509;
  wire::Buffer der;
  std::array<std::uint8_t, 32> sha256{};
  wire::Buffer spki;
  SubjectAltNames names;
  bool ca = false;
  bool self_signed = false;
  Clock::time_point not_before;
  Clock::time_point not_after;
  mutable KeyOperation verifying;  // the only state that changes: made at the first check
};

std::string format_reload_uri(const wire::NodeId& id, std::string_view overlay) {
  wire::Buffer dest{0x01, static_cast<std::uint8_t>(id.size())};
  dest.insert(dest.end(), id.bytes().begin(), id.bytes().end());
  return "reload://" + wire::to_hex(dest) + "@" + std::string(overlay) + "/";
}

namespace {

// RFC 3986 reg-name (RFC 6940 section 14.15: overlay = reg-name): unreserved, pct-encoded
// and sub-delims; so never '@', '/' or ':'.
bool is_reg_name(std::string_view s) {
  constexpr std::string_view allowed = "-._~%!$&'()*+,;=";
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && allowed.find(c) == std::string_view::npos) return false;
  }
  return !s.empty();
}

}  // namespace

std::optional<ReloadUri> parse_reload_uri(std::string_view uri) {
  constexpr std::string_view scheme = "reload://";
  if (!uri.starts_with(scheme)) return std::nullopt;
  uri.remove_prefix(scheme.size());
  auto at = uri.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view hex = uri.substr(0, at);
  std::string_view rest = uri.substr(at + 1);
  // overlay "/" and no specifier: a URI with a specifier names stored data, not a peer.
  if (rest.empty() || rest.back() != '/') return std::nullopt;
  std::string_view overlay = rest.substr(0, rest.size() - 1);
  if (!is_reg_name(overlay)) return std::nullopt;
  wire::Buffer bytes;
  if (!wire::from_hex(hex, bytes)) return std::nullopt;
  // Exactly one Destination of type node: 01 | length | Node-ID. (wire's Destination
  // decoder wants the overlay's Node-ID length, which a certificate does not tell; any
  // length RELOAD allows is read here and the trust policy checks it.) The length must
  // cover the rest, so a second destination or a compressed one is refused too.
  if (bytes.size() < 2 || bytes[0] != 0x01 || bytes[1] != bytes.size() - 2) return std::nullopt;
  std::size_t n = bytes[1];
  if (n < wire::NodeId::min_size || n > wire::NodeId::max_size) return std::nullopt;
  return ReloadUri{wire::NodeId(wire::Bytes(bytes.data() + 2, n)), std::string(overlay)};
}

namespace {

Certificate::Clock::time_point to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return wire::saturating_time_point(std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm))));
}

std::string as_string(const ASN1_STRING* s) {
  if (!s) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

// The subjectAltName entries RELOAD and XEP-0415 read; all others are skipped.
void read_subject_alt_names(X509* x, SubjectAltNames& out) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  Asn1ObjectPtr xmpp(OBJ_txt2obj(xmpp_addr_oid, 1));
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type == GEN_URI) {
      if (auto u = parse_reload_uri(as_string(g->d.uniformResourceIdentifier))) out.uris.push_back(*u);
    } else if (g->type == GEN_EMAIL) {
      out.user_names.push_back(as_string(g->d.rfc822Name));
    } else if (g->type == GEN_OTHERNAME && xmpp && OBJ_cmp(g->d.otherName->type_id, xmpp.get()) == 0) {
      const ASN1_TYPE* v = g->d.otherName->value;
      if (v && v->type == V_ASN1_UTF8STRING) out.xmpp_addresses.push_back(as_string(v->value.utf8string));
    }
  }
}

}  // namespace

boost::system::result<Certificate> Certificate::from_der(wire::Bytes der) {
  const unsigned char* p = der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x || p != der.data() + der.size()) return make_error_code(crypto_errc::bad_encoding);
  auto parsed = std::make_shared<Parsed>();
  parsed->der.assign(der.begin(), der.end());
  SHA256(parsed->der.data(), parsed->der.size(), parsed->sha256.data());
  parsed->spki = to_der(X509_get_X509_PUBKEY(x.get()), i2d_X509_PUBKEY);
  if (parsed->spki.empty()) return make_error_code(crypto_errc::bad_encoding);
  read_subject_alt_names(x.get(), parsed->names);
  // X509_check_ca also counts a v1 root or a bare keyCertSign as a CA; RELOAD means the
  // basicConstraints extension (section 11.3: "PKIX BasicConstraints checks").
  parsed->ca = X509_check_ca(x.get()) == 1 && (X509_get_extension_flags(x.get()) & EXFLAG_BCONS);
  parsed->self_signed = X509_self_signed(x.get(), 1) == 1;
  parsed->not_before = to_time_point(X509_get0_notBefore(x.get()));
  parsed->not_after = to_time_point(X509_get0_notAfter(x.get()));
  parsed->x509 = std::move(x);
  return Certificate(std::move(parsed));
}

boost::system::result<Certificate> Certificate::from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error_code(crypto_errc::internal);
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x) return make_error_code(crypto_errc::bad_encoding);
  auto der = to_der<X509>(x.get(), i2d_X509);
  if (der.empty()) return make_error_code(crypto_errc::bad_encoding);
  return from_der(der);
}

boost::system::result<Certificate> Certificate::load(const std::filesystem::path& file) {
  auto read = read_file(file);
  if (!read) return read.error();
  const std::string& text = *read;
  if (text.find("-----BEGIN") != std::string::npos) return from_pem(text);
  return from_der(wire::as_bytes(text));
}

std::string Certificate::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), p_->x509.get()) != 1) return {};
  return bio_text(bio.get());
}

error_code Certificate::save_pem(const std::filesystem::path& file) const {
  return write_file_atomically(file, pem(), 0644);
}

wire::Bytes Certificate::der() const noexcept { return p_->der; }
wire::Bytes Certificate::sha256() const noexcept { return {p_->sha256.data(), p_->sha256.size()}; }
wire::Bytes Certificate::public_key_der() const noexcept { return p_->spki; }
const std::vector<ReloadUri>& Certificate::reload_uris() const noexcept { return p_->names.uris; }
const std::vector<std::string>& Certificate::user_names() const noexcept { return p_->names.user_names; }
const std::vector<std::string>& Certificate::xmpp_addresses() const noexcept { return p_->names.xmpp_addresses; }
bool Certificate::is_ca() const noexcept { return p_->ca; }
bool Certificate::is_self_signed() const noexcept { return p_->self_signed; }
Certificate::Clock::time_point Certificate::not_before() const noexcept { return p_->not_before; }
Certificate::Clock::time_point Certificate::not_after() const noexcept { return p_->not_after; }
X509* Certificate::native() const noexcept { return p_->x509.get(); }

error_code Certificate::check_signature(wire::Bytes input, wire::Bytes signature) const {
  return p_->verifying.verify(X509_get0_pubkey(p_->x509.get()), input, signature);
}

error_code Certificate::valid_at(Clock::time_point now) const noexcept {
  if (now < p_->not_before) return make_error_code(crypto_errc::not_yet_valid);
  if (now > p_->not_after) return make_error_code(crypto_errc::expired);
  return {};
}

std::vector<wire::NodeId> Certificate::node_ids(std::string_view overlay) const {
  std::vector<wire::NodeId> out;
  for (const auto& u : p_->names.uris)
    if (u.overlay == overlay) out.push_back(u.node_id);
  return out;
}

bool Certificate::has_node_id(const wire::NodeId& id, std::string_view overlay) const {
  for (const auto& u : p_->names.uris)
    if (u.overlay == overlay && u.node_id == id) return true;
  return false;
}

namespace {
std::string name_line(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return bio_text(bio.get());
}
}  // namespace

std::string Certificate::subject() const { return name_line(X509_get_subject_name(p_->x509.get())); }
std::string Certificate::issuer() const { return name_line(X509_get_issuer_name(p_->x509.get())); }

}  // namespace reload::crypto
