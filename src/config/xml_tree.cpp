#include "config/xml_tree.hpp"

#include <memory>
#include <optional>
#include <string>

#include <expat.h>

namespace reload::config {

const XmlAttribute* XmlElement::attribute(std::string_view ns,
                                          std::string_view local) const noexcept {
  for (const auto& a : attributes)
    if (a.name.is(ns, local)) return &a;
  return nullptr;
}

namespace {

// Namespace URIs cannot contain a space (expat refuses one that holds the separator), and
// names cannot either, so "uri local prefix" splits unambiguously.
constexpr char ns_separator = ' ';

XmlName split_name(const XML_Char* raw) {
  std::string_view s(raw);
  XmlName n;
  auto first = s.find(ns_separator);
  if (first == std::string_view::npos) {
    n.local = std::string(s);
    return n;
  }
  n.ns = std::string(s.substr(0, first));
  auto rest = s.substr(first + 1);
  auto second = rest.find(ns_separator);
  if (second == std::string_view::npos) {
    n.local = std::string(rest);
  } else {
    n.local = std::string(rest.substr(0, second));
    n.prefix = std::string(rest.substr(second + 1));
  }
  return n;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

struct ParserDeleter {
  void operator()(XML_Parser p) const noexcept { XML_ParserFree(p); }
};

class TreeBuilder {
 public:
  TreeBuilder(XML_Parser parser, std::string_view source, const XmlLimits& limits)
      : parser_(parser), source_(source), limits_(limits) {}

  // The error a handler stopped the parser with, if any.
  std::optional<ConfigError> stopped;
  std::optional<XmlElement> root;

  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** atts) {
    static_cast<TreeBuilder*>(self)->start(name, atts);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) {
    static_cast<TreeBuilder*>(self)->end();
  }
  static void XMLCALL on_text(void* self, const XML_Char* s, int len) {
    auto* b = static_cast<TreeBuilder*>(self);
    if (!b->open_.empty()) b->open_.back()->text.append(s, static_cast<std::size_t>(len));
  }
  static void XMLCALL on_xml_decl(void* self, const XML_Char*, const XML_Char* encoding, int) {
    // RFC 6940 section 11.1: "The file MUST use the UTF-8 character encoding." The parser is
    // told to read UTF-8 whatever the declaration says, so a different declaration would be
    // read wrongly: refuse it.
    if (encoding && !iequals(encoding, "UTF-8"))
      static_cast<TreeBuilder*>(self)->stop(ConfigErrc::malformed_xml,
                                            std::string("encoding ") + encoding +
                                                " declared; the document must be UTF-8");
  }
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int) {
    static_cast<TreeBuilder*>(self)->stop(
        ConfigErrc::forbidden_markup,
        "a DOCTYPE is not allowed in a configuration document (no DTDs, no entities)");
  }
  static void XMLCALL on_entity(void* self, const XML_Char* name, int, const XML_Char*, int,
                                const XML_Char*, const XML_Char*, const XML_Char*,
                                const XML_Char*) {
    static_cast<TreeBuilder*>(self)->stop(
        ConfigErrc::forbidden_markup,
        std::string("entity declaration '") + name + "' is not allowed in a configuration document");
  }

  std::string open_element_name() const {
    return open_.empty() ? std::string() : open_.back()->name.qualified();
  }

 private:
  void stop(ConfigErrc code, std::string reason) {
    if (stopped) return;
    stopped = ConfigError{code, std::string(source_),
                          static_cast<unsigned>(XML_GetCurrentLineNumber(parser_)),
                          open_element_name(), std::move(reason)};
    XML_StopParser(parser_, XML_FALSE);
  }

  void start(const XML_Char* name, const XML_Char** atts) {
    if (stopped) return;
    if (open_.size() >= limits_.max_depth)
      return stop(ConfigErrc::limit_exceeded,
                  "elements nested deeper than " + std::to_string(limits_.max_depth));
    if (++elements_ > limits_.max_elements)
      return stop(ConfigErrc::limit_exceeded,
                  "more than " + std::to_string(limits_.max_elements) + " elements");
    XmlElement e;
    e.name = split_name(name);
    for (std::size_t i = 0; atts[i]; i += 2)
      e.attributes.push_back(XmlAttribute{split_name(atts[i]), atts[i + 1]});
    e.line = static_cast<unsigned>(XML_GetCurrentLineNumber(parser_));
    e.begin = static_cast<std::size_t>(XML_GetCurrentByteIndex(parser_));
    e.content_begin = e.begin + static_cast<std::size_t>(XML_GetCurrentByteCount(parser_));
    XmlElement* placed;
    if (open_.empty()) {
      root.emplace(std::move(e));
      placed = &*root;
    } else {
      // Only the innermost open element's children grow, so pointers to the open elements
      // (its ancestors' last children) stay valid.
      open_.back()->children.push_back(std::move(e));
      placed = &open_.back()->children.back();
    }
    open_.push_back(placed);
  }

  void end() {
    if (stopped || open_.empty()) return;
    // The end event's bytes are the end tag, or the whole empty-element tag, so this is just
    // past its '>' either way.
    open_.back()->end = static_cast<std::size_t>(XML_GetCurrentByteIndex(parser_)) +
                        static_cast<std::size_t>(XML_GetCurrentByteCount(parser_));
    open_.pop_back();
  }

  XML_Parser parser_;
  std::string_view source_;
  const XmlLimits& limits_;
  std::vector<XmlElement*> open_;
  std::size_t elements_ = 0;
};

}  // namespace

boost::system::result<XmlElement, ConfigError> parse_xml(std::string_view text,
                                                         std::string_view source_name,
                                                         const XmlLimits& limits) {
  if (text.size() > limits.max_bytes)
    return ConfigError{ConfigErrc::limit_exceeded, std::string(source_name), 0, "",
                       "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                           std::to_string(limits.max_bytes)};
  // XML_Parse takes an int length; max_bytes keeps us far below it, but check anyway.
  if (text.size() > static_cast<std::size_t>(INT32_MAX))
    return ConfigError{ConfigErrc::limit_exceeded, std::string(source_name), 0, "",
                       "document too large"};

  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(
      XML_ParserCreateNS("UTF-8", ns_separator));
  if (!parser)
    return ConfigError{ConfigErrc::malformed_xml, std::string(source_name), 0, "",
                       "out of memory creating the XML parser"};
  XML_Parser p = parser.get();
  XML_SetReturnNSTriplet(p, XML_TRUE);  // keep prefixes, for messages "as written"
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);

  TreeBuilder builder(p, source_name, limits);
  XML_SetUserData(p, &builder);
  XML_SetElementHandler(p, &TreeBuilder::on_start, &TreeBuilder::on_end);
  XML_SetCharacterDataHandler(p, &TreeBuilder::on_text);
  XML_SetXmlDeclHandler(p, &TreeBuilder::on_xml_decl);
  XML_SetStartDoctypeDeclHandler(p, &TreeBuilder::on_doctype);
  XML_SetEntityDeclHandler(p, &TreeBuilder::on_entity);

  auto status = XML_Parse(p, text.data(), static_cast<int>(text.size()), XML_TRUE);
  if (builder.stopped) return *builder.stopped;
  if (status != XML_STATUS_OK) {
    auto code = XML_GetErrorCode(p);
    std::string reason = std::string("malformed XML: ") + XML_ErrorString(code) + " (column " +
                         std::to_string(XML_GetCurrentColumnNumber(p) + 1) + ')';
    return ConfigError{ConfigErrc::malformed_xml, std::string(source_name),
                       static_cast<unsigned>(XML_GetCurrentLineNumber(p)),
                       builder.open_element_name(), std::move(reason)};
  }
  if (!builder.root)  // expat reports "no element found" first; kept for clarity
    return ConfigError{ConfigErrc::malformed_xml, std::string(source_name), 0, "",
                       "no root element"};
  return std::move(*builder.root);
}

}  // namespace reload::config
