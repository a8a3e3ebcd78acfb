// A small element tree of an XML document, read with expat, that remembers where each
// element sits in the input bytes.
//
// The configuration document needs exactly that: its signatures cover the exact bytes from
// "<configuration" to "</configuration>" (RFC 6940 section 11.1), so the parser must know
// byte offsets, and error messages need line numbers. The document is small (a few KiB), so
// a tree is simpler than driving the interpretation from expat's callbacks.
//
// Hostile input (DESIGN.md principle 5): the document size, nesting depth and element count
// are bounded, the encoding must be UTF-8, and a DOCTYPE or entity declaration stops the
// parser at once: a configuration has no use for them and they are how "billion laughs"
// documents explode. Comments and the XML declaration are allowed (people document their
// configurations); processing instructions are skipped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "config/errors.hpp"

namespace reload::config {

struct XmlName {
  std::string ns;      // namespace URI; empty for no namespace
  std::string local;   // local name
  std::string prefix;  // prefix as written; empty for the default namespace or none

  // The name as written: "chord:chord-ping-interval" or "kind".
  std::string qualified() const { return prefix.empty() ? local : prefix + ':' + local; }
  bool is(std::string_view n, std::string_view l) const noexcept { return ns == n && local == l; }
};

struct XmlAttribute {
  XmlName name;
  std::string value;  // entity references and character references already replaced
};

struct XmlElement {
  XmlName name;
  std::vector<XmlAttribute> attributes;
  std::string text;  // all character data directly inside, untrimmed (child text excluded)
  std::vector<XmlElement> children;
  unsigned line = 0;       // line of the start tag, 1-based
  std::size_t begin = 0;   // offset of the '<' of the start tag
  std::size_t content_begin = 0;  // just past the start tag's '>' (== end for <empty/>)
  std::size_t end = 0;     // offset just past the '>' of the end tag (or empty-element tag)

  // The attribute {ns}local, or nullptr. Unprefixed attributes have no namespace ("").
  const XmlAttribute* attribute(std::string_view ns, std::string_view local) const noexcept;
};

struct XmlLimits {
  std::size_t max_bytes = 1024 * 1024;  // a configuration with many root-certs is tens of KiB
  std::size_t max_depth = 16;           // overlay/configuration/required-kinds/kind-block/kind/x = 6
  std::size_t max_elements = 20000;
};

// Parses `text` (the whole document) into its root element. `source_name` goes into errors.
boost::system::result<XmlElement, ConfigError> parse_xml(std::string_view text,
                                                         std::string_view source_name,
                                                         const XmlLimits& limits = {});

}  // namespace reload::config
