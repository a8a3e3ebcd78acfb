#include "config/overlay_document.hpp"

#include <iterator>

#include "config/configuration_reader.hpp"
#include "config/lexical.hpp"
#include "reload/file_io.hpp"

namespace reload::config {

using boost::system::result;

namespace {

result<SignatureElement, ConfigError> read_signature(const detail::ReaderContext& ctx,
                                                     const XmlElement& e) {
  if (auto r = detail::check_attributes(ctx, e, {"algorithm"}); !r) return r.error();
  if (!e.children.empty())
    return detail::error_at(ctx, e.children.front(), ConfigErrc::unknown_element,
                            "element not allowed inside <signature>");
  auto bytes = decode_base64(e.text);
  if (!bytes) return detail::error_at(ctx, e, ConfigErrc::bad_value, bytes.error().reason);
  SignatureElement s;
  s.line = e.line;
  if (const auto* a = e.attribute("", "algorithm")) s.algorithm = std::string(trim(a->value));
  s.security_block = std::move(*bytes);
  return s;
}

}  // namespace

result<OverlayDocument, ConfigError> parse_overlay_document(std::string_view xml,
                                                            std::string_view source_name,
                                                            const ParseOptions& options) {
  auto root = parse_xml(xml, source_name, options.limits);
  if (!root) return root.error();

  OverlayDocument doc;
  doc.source_name = std::string(source_name);
  detail::ReaderContext ctx{xml, source_name, options, doc.warnings};

  if (!root->name.is(ns_config_base, "overlay"))
    return detail::error_at(ctx, *root, ConfigErrc::unknown_element,
                            "the root element must be <overlay> in namespace " +
                                std::string(ns_config_base));
  if (auto r = detail::check_attributes(ctx, *root, {}); !r) return r.error();
  if (!is_blank(root->text))
    return detail::error_at(ctx, *root, ConfigErrc::bad_value, "text directly inside <overlay>");

  for (const auto& e : root->children) {
    if (e.name.is(ns_config_base, "configuration")) {
      auto c = detail::read_configuration(ctx, e);
      if (!c) return c.error();
      SignedConfiguration sc;
      sc.config = std::move(*c);
      sc.source_name = doc.source_name;
      sc.text = std::string(xml.substr(e.begin, e.end - e.begin));
      sc.offset = e.begin;
      sc.line = e.line;
      doc.configurations.push_back(std::move(sc));
    } else if (e.name.is(ns_config_base, "signature")) {
      // "Each configuration element MAY be followed by signature elements that provide a
      // signature over the preceding configuration element."
      if (doc.configurations.empty())
        return detail::error_at(ctx, e, ConfigErrc::bad_value,
                                "a <signature> must follow the <configuration> it signs");
      auto s = read_signature(ctx, e);
      if (!s) return s.error();
      doc.configurations.back().signatures.push_back(std::move(*s));
    } else if (e.name.ns.empty() || e.name.ns == ns_config_base || e.name.ns == ns_config_chord) {
      return detail::error_at(ctx, e, ConfigErrc::unknown_element, "unknown element in <overlay>");
    }
    // Other namespaces: extensions, skipped.
  }
  if (doc.configurations.empty())
    return detail::error_at(ctx, *root, ConfigErrc::missing, "no <configuration> in <overlay>");
  return doc;
}

result<OverlayDocument, ConfigError> read_overlay_document(const std::filesystem::path& file,
                                                           const ParseOptions& options) {
  std::string name = file.string();
  // Read at most one byte more than allowed, so an oversized file is refused without
  // reading all of it.
  auto text = read_file(file, options.limits.max_bytes + 1);
  if (!text)
    return ConfigError{ConfigErrc::io, name, 0, "",
                       text.error() == boost::system::errc::no_such_file_or_directory ? "cannot open the file"
                                                                                      : "read error"};
  return parse_overlay_document(*text, name, options);
}

}  // namespace reload::config
