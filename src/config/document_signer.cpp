#include "config/document_signer.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "config/lexical.hpp"
#include "config/xml_tree.hpp"
#include "crypto/signing.hpp"
#include "wire/codec.hpp"
#include "wire/security_block.hpp"

namespace reload::config {

using boost::system::result;

result<wire::Buffer, ConfigError> make_signature_block(const SigningKey& signer,
                                                       wire::Bytes data) {
  auto value = signer.key.sign(data);
  if (!value)
    return ConfigError{ConfigErrc::signing_failed, "", 0, "",
                       "signing failed: " + value.error().message()};
  wire::SecurityBlock block;
  block.certificates.push_back({wire::CertificateType::x509, signer.certificate.der()});
  for (const auto& c : signer.intermediates)
    block.certificates.push_back({wire::CertificateType::x509, c.der()});
  block.signature.algorithm = signer.key.algorithm();
  block.signature.identity.identity_type = wire::SignerIdentityType::cert_hash;
  block.signature.identity.hash_alg = wire::HashAlgorithm::sha256;
  block.signature.identity.hash = signer.certificate.sha256();
  block.signature.signature_value = *value;
  auto encoded = wire::encode_to_buffer(block);
  if (!encoded)
    return ConfigError{ConfigErrc::signing_failed, "", 0, "",
                       "cannot encode the SecurityBlock: " + encoded.error().message()};
  return std::move(*encoded);
}

namespace {

// The spaces and tabs that start the line `offset` is on, if nothing else precedes it there.
std::optional<std::string> indent_before(std::string_view doc, std::size_t offset) {
  std::size_t start = offset;
  while (start > 0 && (doc[start - 1] == ' ' || doc[start - 1] == '\t')) --start;
  if (start != 0 && doc[start - 1] != '\n') return std::nullopt;
  return std::string(doc.substr(start, offset - start));
}

std::string prefixed(const XmlElement& like, std::string_view local) {
  return like.name.prefix.empty() ? std::string(local) : like.name.prefix + ':' + std::string(local);
}

std::string element(const std::string& indent, const std::string& qname, std::string_view content) {
  return '\n' + indent + '<' + qname + '>' + escape_xml(content) + "</" + qname + '>';
}

class DocumentSigner {
 public:
  DocumentSigner(std::string_view tpl, std::string_view source, const SigningKey& signer,
                 std::span<const crypto::Certificate> roots)
      : tpl_(tpl), source_(source), signer_(signer), roots_(roots) {}

  result<std::string, ConfigError> sign(const XmlElement& root, const OverlayDocument& doc) {
    std::string out;
    std::size_t pos = 0, index = 0;
    for (const auto& e : root.children) {
      if (e.name.is(ns_config_base, "signature"))
        return fail(e, "the template is already signed; give it without <signature> elements");
      if (!e.name.is(ns_config_base, "configuration")) continue;
      auto text = sign_configuration(e, doc.configurations.at(index++).config);
      if (!text) return text.error();
      out.append(tpl_.substr(pos, e.begin - pos));
      out.append(*text);
      pos = e.end;
    }
    out.append(tpl_.substr(pos));
    return out;
  }

 private:
  ConfigError fail(const XmlElement& e, std::string reason) const {
    return ConfigError{ConfigErrc::bad_template, std::string(source_), e.line, e.name.qualified(),
                       std::move(reason)};
  }

  result<std::string, ConfigError> block_base64(const XmlElement& e, std::string_view bytes) const {
    auto block = make_signature_block(signer_, wire::as_bytes(bytes));
    if (!block) {
      auto err = block.error();
      err.file = std::string(source_);
      err.line = e.line;
      err.element = e.name.qualified();
      return err;
    }
    return encode_base64(*block);
  }

  // The configuration's new text, followed by its <signature>.
  result<std::string, ConfigError> sign_configuration(const XmlElement& conf,
                                                      const Configuration& parsed) {
    if (signer_.node_id.size() != parsed.node_id_length)
      return fail(conf, "the signer's Node-ID is " + std::to_string(signer_.node_id.size()) +
                            " bytes but node-id-length is " + std::to_string(parsed.node_id_length));
    std::string outer = indent_before(tpl_, conf.begin).value_or("");
    std::string inner = outer + "  ";
    if (!conf.children.empty())
      inner = indent_before(tpl_, conf.children.front().begin).value_or(inner);

    // Insertions at offsets relative to the configuration's first byte, applied back to front.
    std::vector<std::pair<std::size_t, std::string>> inserts;

    std::string head;
    for (const auto& root : roots_) {
      bool present = std::any_of(parsed.root_certs.begin(), parsed.root_certs.end(),
                                 [&](const crypto::Certificate& c) { return c == root; });
      if (!present) head += element(inner, prefixed(conf, "root-cert"), encode_base64(root.der()));
    }
    if (!parsed.is_configuration_signer(signer_.node_id))
      head += element(inner, prefixed(conf, "configuration-signer"), signer_.node_id.hex());
    if (!parsed.is_kind_signer(signer_.node_id))
      head += element(inner, prefixed(conf, "kind-signer"), signer_.node_id.hex());

    for (const auto& p : conf.children) {
      if (!p.name.is(ns_config_base, "required-kinds")) continue;
      for (const auto& block : p.children) {
        if (!block.name.is(ns_config_base, "kind-block")) continue;
        const XmlElement* kind = nullptr;
        for (const auto& k : block.children) {
          if (k.name.is(ns_config_base, "kind-signature"))
            return fail(k, "the template already has a kind-signature; give it unsigned");
          if (k.name.is(ns_config_base, "kind")) kind = &k;
        }
        if (!kind) continue;  // the parser refused this already
        auto sig = block_base64(*kind, tpl_.substr(kind->begin, kind->end - kind->begin));
        if (!sig) return sig.error();
        std::string indent = indent_before(tpl_, kind->begin).value_or(inner + "  ");
        inserts.emplace_back(kind->end - conf.begin,
                             element(indent, prefixed(*kind, "kind-signature"), *sig));
      }
    }

    std::string text(tpl_.substr(conf.begin, conf.end - conf.begin));
    if (conf.content_begin == conf.end) {
      // <configuration .../>: open it up so that it can hold the new elements.
      auto slash = text.rfind("/>");
      text = text.substr(0, slash) + ">" + head + '\n' + outer + "</" + conf.name.qualified() + '>';
    } else {
      inserts.emplace_back(conf.content_begin - conf.begin, head);
    }
    std::sort(inserts.begin(), inserts.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [at, s] : inserts) text.insert(at, s);

    auto sig = block_base64(conf, text);
    if (!sig) return sig.error();
    return text + element(outer, prefixed(conf, "signature"), *sig);
  }

  std::string_view tpl_;
  std::string_view source_;
  const SigningKey& signer_;
  std::span<const crypto::Certificate> roots_;
};

}  // namespace

result<std::string, ConfigError> sign_overlay_document(std::string_view template_xml,
                                                       std::string_view source_name,
                                                       const SigningKey& signer,
                                                       std::span<const crypto::Certificate> roots,
                                                       const ParseOptions& options) {
  auto check = crypto::Signer::make(signer.key, signer.certificate, signer.node_id);
  if (!check)
    return ConfigError{ConfigErrc::signing_failed, std::string(source_name), 0, "",
                       "the signing key does not fit its certificate and Node-ID (" +
                           check.error().message() + ")"};
  auto doc = parse_overlay_document(template_xml, source_name, options);
  if (!doc) return doc.error();
  auto root = parse_xml(template_xml, source_name, options.limits);
  if (!root) return root.error();

  auto signed_text = DocumentSigner(template_xml, source_name, signer, roots).sign(*root, *doc);
  if (!signed_text) return signed_text.error();

  // What we produce must be what we accept.
  auto again = parse_overlay_document(*signed_text, source_name, options);
  if (!again) {
    auto e = again.error();
    e.reason = "the signed document does not parse (a bug in the signer): " + e.reason;
    return e;
  }
  return signed_text;
}

}  // namespace reload::config
