// Writing the light DOM (xml_element.hpp) as XML 1.0 bytes.
//
// Everything written is checked: UTF-8 must be well formed, characters that XML 1.0 does not
// allow (most C0 controls, U+FFFE, U+FFFF, surrogates) are refused rather than dropped or
// replaced, and names must be XML names. Escaping is chosen so that parsing the output gives
// back exactly the DOM that was written: in text `&amp; &lt; &gt;` and CR as `&#xD;` (a parser
// turns a raw CR into LF); in attribute values (single-quoted, as XMPP streams do) also
// `&apos; &quot;` and TAB, LF, CR as character references (a parser turns them into spaces).
//
// Namespace declarations are emitted only where the namespace changes: a default
// `xmlns='...'` on an element whose namespace differs from the one in scope, `stream:` for
// the streams namespace, `xml:` for the XML namespace (xml:lang), and a generated prefix for
// any other namespaced attribute.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "xmpp/xml_element.hpp"

namespace reload::xmpp {

// Why a DOM could not be written.
enum class xml_errc {
  invalid_utf8 = 1,       // a name, value or text is not well-formed UTF-8
  forbidden_character,    // a character XML 1.0 does not allow (e.g. U+0000, U+001B, U+FFFE)
  invalid_name,           // an element or attribute name that is not an XML NCName
  reserved_name,          // an attribute spelled xmlns, or a name in the xmlns namespace
  duplicate_attribute,    // two attributes with the same namespace and name
};

const boost::system::error_category& xml_category() noexcept;

inline boost::system::error_code make_error_code(xml_errc e) noexcept {
  return {static_cast<int>(e), xml_category()};
}

// What is declared where the element is written.
struct WriteContext {
  std::string_view default_ns;       // the default namespace in scope ("" = none)
  bool stream_prefix_bound = false;  // `stream:` is bound to ns::streams in scope
};

// Appends `element` to `out`. On error `out` is left as it was.
boost::system::error_code write_element(const Element& element, std::string& out,
                                        const WriteContext& context = {});

// The element as a standalone fragment: its namespace is declared on it.
boost::system::result<std::string> to_xml(const Element& element,
                                          const WriteContext& context = {});

// The escaping alone, for the few things written by hand (stream headers). On error `out`
// may hold part of the value; the callers discard it.
boost::system::error_code append_escaped_text(std::string& out, std::string_view text);
boost::system::error_code append_escaped_attribute(std::string& out, std::string_view value);

// True when `name` is an XML name without a colon (Namespaces in XML, NCName).
bool is_ncname(std::string_view name) noexcept;

}  // namespace reload::xmpp

template <>
struct boost::system::is_error_code_enum<reload::xmpp::xml_errc> : std::true_type {};
