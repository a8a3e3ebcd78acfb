#include "xmpp/xml_stream_parser.hpp"

#include <algorithm>
#include <climits>
#include <new>
#include <string>

#include <expat.h>

namespace reload::xmpp {

namespace {

// Separates namespace URI and local name in the names expat reports. A URI cannot contain
// it: expat refuses a namespace declaration whose value holds the separator.
constexpr char ns_separator = ' ';

void split_name(const XML_Char* raw, std::string& ns, std::string& local) {
  std::string_view s(raw);
  auto sep = s.find(ns_separator);
  if (sep == std::string_view::npos) {
    ns.clear();
    local.assign(s);
  } else {
    ns.assign(s.substr(0, sep));
    local.assign(s.substr(sep + 1));
  }
}

// expat has already refused duplicates, so no lookup is needed.
void append_attributes(Element& e, const XML_Char** atts, std::size_t count) {
  e.reserve_attributes(count);
  for (std::size_t i = 0; atts[i]; i += 2) {
    Attribute a;
    split_name(atts[i], a.ns, a.name);
    a.value = atts[i + 1];
    e.append_attribute(std::move(a));
  }
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// What an expat error means for the stream (RFC 6120 sections 4.9.3 and 11).
stream_errc condition_of(XML_Error e) {
  switch (e) {
    case XML_ERROR_UNDEFINED_ENTITY:
    case XML_ERROR_RECURSIVE_ENTITY_REF:
    case XML_ERROR_BINARY_ENTITY_REF:
    case XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF:
    case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
    case XML_ERROR_PARAM_ENTITY_REF:
    case XML_ERROR_ENTITY_DECLARED_IN_PE:
    case XML_ERROR_NOT_STANDALONE:
    case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
      return stream_errc::restricted_xml;
    case XML_ERROR_UNBOUND_PREFIX:
    case XML_ERROR_UNDECLARING_PREFIX:
    case XML_ERROR_RESERVED_PREFIX_XML:
    case XML_ERROR_RESERVED_PREFIX_XMLNS:
    case XML_ERROR_RESERVED_NAMESPACE_URI:
      return stream_errc::bad_namespace_prefix;
    case XML_ERROR_UNKNOWN_ENCODING:
    case XML_ERROR_INCORRECT_ENCODING:
      return stream_errc::unsupported_encoding;
    case XML_ERROR_NO_MEMORY:
      return stream_errc::resource_constraint;
    default:
      return stream_errc::not_well_formed;
  }
}

}  // namespace

// expat's C callbacks, forwarding to the parser object.
struct XmlStreamParser::Callbacks {
  static XmlStreamParser& self(void* p) { return *static_cast<XmlStreamParser*>(p); }
  // After XML_StopParser expat may still report the rest of the current token (the end of
  // an empty-element tag): nothing may reach the handler once the stream is over.
  static bool active(const XmlStreamParser& s) {
    return s.state_ == State::before_header || s.state_ == State::in_stream;
  }

  static void XMLCALL start(void* p, const XML_Char* name, const XML_Char** atts) {
    auto& s = self(p);
    if (!active(s)) return;
    XML_Parser xp = s.parser_;

    std::size_t attribute_count = 0;
    while (atts[2 * attribute_count]) ++attribute_count;
    if (attribute_count > s.limits_.max_attributes)
      return s.fail(stream_errc::policy_violation,
                    "an element has " + std::to_string(attribute_count) +
                        " attributes; the limit is " + std::to_string(s.limits_.max_attributes));

    if (s.depth_ == 0) {
      StreamRoot root;
      std::string ns, local;
      split_name(name, ns, local);
      root.element = Element(std::move(ns), std::move(local));
      append_attributes(root.element, atts, attribute_count);
      root.default_namespace = std::move(s.root_default_ns_);
      s.depth_ = 1;
      s.state_ = State::in_stream;
      s.anchor_ = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(xp)) +
                  static_cast<std::uint64_t>(XML_GetCurrentByteCount(xp));
      if (!s.handler_.on_stream_open(root)) s.stop_after_current_event(State::stopped);
      return;
    }

    if (s.depth_ > s.limits_.max_depth)
      return s.fail(stream_errc::policy_violation,
                    "a stanza nests elements deeper than " + std::to_string(s.limits_.max_depth));

    std::string ns, local;
    split_name(name, ns, local);
    Element* e;
    if (s.depth_ == 1) {
      s.stanza_start_ = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(xp));
      s.anchor_ = s.stanza_start_;
      s.stanza_ = Element(std::move(ns), std::move(local));
      e = &s.stanza_;
    } else {
      // Only the innermost open element gains children, so the pointers in open_ (to its
      // ancestors) stay valid.
      e = &s.open_.back()->add_child(std::move(ns), std::move(local));
    }
    append_attributes(*e, atts, attribute_count);
    s.open_.push_back(e);
    ++s.depth_;
  }

  static void XMLCALL end(void* p, const XML_Char*) {
    auto& s = self(p);
    if (!active(s)) return;
    XML_Parser xp = s.parser_;
    --s.depth_;
    if (s.depth_ == 0) {
      s.stop_after_current_event(State::closed);
      s.handler_.on_stream_close();
      return;
    }
    s.open_.pop_back();
    if (s.depth_ > 1) return;

    const auto end_at = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(xp)) +
                        static_cast<std::uint64_t>(XML_GetCurrentByteCount(xp));
    if (end_at - s.stanza_start_ > s.limits_.max_stanza_bytes)
      return s.fail(stream_errc::policy_violation,
                    "a stanza of " + std::to_string(end_at - s.stanza_start_) +
                        " bytes; the limit is " + std::to_string(s.limits_.max_stanza_bytes));
    s.anchor_ = end_at;
    if (!s.handler_.on_stanza(s.stanza_)) s.stop_after_current_event(State::stopped);
  }

  static void XMLCALL text(void* p, const XML_Char* data, int len) {
    auto& s = self(p);
    if (!active(s)) return;
    std::string_view t(data, static_cast<std::size_t>(len));
    if (s.depth_ >= 2) {
      s.open_.back()->add_text(t);
      return;
    }
    // Between stanzas only whitespace (keepalives) is allowed; it is consumed here, so a
    // long-lived stream of keepalives never counts against the stanza limit.
    if (!std::all_of(t.begin(), t.end(), is_xml_space))
      return s.fail(stream_errc::bad_format, "text between stanzas");
    s.anchor_ = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(s.parser_)) +
                static_cast<std::uint64_t>(XML_GetCurrentByteCount(s.parser_));
  }

  static void XMLCALL namespace_start(void* p, const XML_Char* prefix, const XML_Char* uri) {
    auto& s = self(p);
    // Declarations are reported before their element's start: at depth 0 they are the
    // stream header's. xmlns='' reports a null URI.
    if (s.depth_ == 0 && prefix == nullptr) s.root_default_ns_ = uri ? uri : "";
  }

  static void XMLCALL xml_declaration(void* p, const XML_Char* version, const XML_Char* encoding,
                                      int) {
    auto& s = self(p);
    // The parser reads UTF-8 whatever is declared (RFC 6120 section 11.6), so a stream that
    // declares another encoding would be misread: refuse it.
    if (encoding && !iequals_ascii(encoding, "UTF-8"))
      return s.fail(stream_errc::unsupported_encoding,
                    std::string("encoding '") + encoding + "' declared");
    if (version && std::string_view(version) != "1.0")
      return s.fail(stream_errc::not_well_formed,
                    std::string("XML version '") + version + "' declared");
  }

  static void XMLCALL doctype(void* p, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    self(p).fail(stream_errc::restricted_xml, "DOCTYPE refused");
  }
  static void XMLCALL entity_declaration(void* p, const XML_Char*, int, const XML_Char*, int,
                                         const XML_Char*, const XML_Char*, const XML_Char*,
                                         const XML_Char*) {
    self(p).fail(stream_errc::restricted_xml, "entity declaration refused");
  }
  static void XMLCALL comment(void* p, const XML_Char*) {
    self(p).fail(stream_errc::restricted_xml, "comment refused");
  }
  static void XMLCALL processing_instruction(void* p, const XML_Char*, const XML_Char*) {
    self(p).fail(stream_errc::restricted_xml, "processing instruction refused");
  }
};

XmlStreamParser::XmlStreamParser(XmlStreamHandler& handler, XmlLimits limits)
    : parser_(XML_ParserCreateNS("UTF-8", ns_separator)), handler_(handler), limits_(limits) {
  if (!parser_) throw std::bad_alloc();
  XML_Parser p = parser_;
#if RELOAD_EXPAT_HAS_REPARSE_DEFERRAL
  // Reparse deferral (expat 2.6, backported to Debian 12's later 2.5.0 updates) holds a split
  // token back until much more input arrives: on a live stream a stanza would never come.
  XML_SetReparseDeferralEnabled(p, XML_FALSE);
#endif
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetUserData(p, this);
  XML_SetElementHandler(p, &Callbacks::start, &Callbacks::end);
  XML_SetCharacterDataHandler(p, &Callbacks::text);
  XML_SetStartNamespaceDeclHandler(p, &Callbacks::namespace_start);
  XML_SetXmlDeclHandler(p, &Callbacks::xml_declaration);
  XML_SetStartDoctypeDeclHandler(p, &Callbacks::doctype);
  XML_SetEntityDeclHandler(p, &Callbacks::entity_declaration);
  XML_SetCommentHandler(p, &Callbacks::comment);
  XML_SetProcessingInstructionHandler(p, &Callbacks::processing_instruction);
  open_.reserve(limits_.max_depth + 1);
}

XmlStreamParser::~XmlStreamParser() { XML_ParserFree(parser_); }

void XmlStreamParser::fail(stream_errc condition, std::string detail) {
  if (state_ == State::failed) return;
  state_ = State::failed;
  error_ = condition;
  detail_ = std::move(detail);
  XML_StopParser(parser_, XML_FALSE);
}

void XmlStreamParser::stop_after_current_event(State state) {
  state_ = state;
  stop_at_ = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(parser_)) +
             static_cast<std::uint64_t>(XML_GetCurrentByteCount(parser_));
  XML_StopParser(parser_, XML_FALSE);
}

void XmlStreamParser::fail_from_expat() {
  const XML_Error e = XML_GetErrorCode(parser_);
  fail(condition_of(e), std::string(XML_ErrorString(e)) + " at byte " +
                            std::to_string(XML_GetCurrentByteIndex(parser_)));
}

std::size_t XmlStreamParser::put(std::string_view bytes, boost::system::error_code& ec) {
  ec = {};
  if (state_ == State::failed) {
    ec = error_;
    return 0;
  }
  if (state_ == State::closed || state_ == State::stopped) return 0;

  // expat recognises UTF-16 by its first bytes even when told the input is UTF-8, and
  // RFC 6120 section 11.6 allows UTF-8 only: the stream must begin with '<', whitespace or
  // a UTF-8 byte order mark, and its second byte must not be NUL.
  for (std::size_t i = 0; fed_ + i < 2 && i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (fed_ + i == 0 && (c == 0x00 || c == 0xFE || c == 0xFF))
      fail(stream_errc::unsupported_encoding, "the stream is not UTF-8");
    else if (fed_ + i == 0 && c != '<' && c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
             c != 0xEF)
      fail(stream_errc::not_well_formed, "the stream does not begin with markup");
    else if (fed_ + i == 1 && c == 0x00)
      fail(stream_errc::unsupported_encoding, "the stream is not UTF-8");
    if (state_ == State::failed) {
      ec = error_;
      return 0;
    }
  }

  const std::uint64_t fed_before = fed_;
  const std::uint64_t limit = limits_.max_stanza_bytes;
  std::size_t used = 0;
  for (;;) {
    // Never let expat buffer more than limit + 1 bytes past the last boundary (end of the
    // header, of a stanza, of whitespace, or the start of the current stanza): an endless
    // start tag or text is refused after that much, not after the peer has filled memory.
    const std::uint64_t pending = fed_ - anchor_;
    if (pending > limit) {
      fail(stream_errc::policy_violation,
           "more than " + std::to_string(limit) + " bytes without a complete stanza");
      ec = error_;
      return used;
    }
    if (used == bytes.size()) return used;
    const std::size_t room = static_cast<std::size_t>(limit + 1 - pending);
    const std::size_t n = std::min({bytes.size() - used, room, std::size_t{INT_MAX}});
    const auto status = XML_Parse(parser_, bytes.data() + used, static_cast<int>(n), XML_FALSE);
    fed_ += n;
    used += n;
    if (status == XML_STATUS_OK) continue;
    if (state_ == State::closed || state_ == State::stopped)
      return static_cast<std::size_t>(stop_at_ - fed_before);
    if (state_ != State::failed) fail_from_expat();
    ec = error_;
    return used;
  }
}

}  // namespace reload::xmpp
