// Reading an overlay configuration document (RFC 6940 section 11.1): an <overlay> holding
// one or more <configuration> elements, each followed by the <signature> elements that sign
// it.
//
// The parser checks the grammar of section 11.1.1 strictly: an unknown element of the
// config-base or config-chord namespace, a bad number, a missing required element or
// attribute, a singleton given twice, an unknown Kind name, an unsupported
// mandatory-extension are errors, each with file, line and element. Elements and attributes
// of other namespaces are extensions and are skipped, unless their namespace is a
// mandatory-extension this node does not support. Signatures are checked separately
// (signature_check.hpp), because which keys may sign depends on the configuration the node
// already has; select_configuration (selection.hpp) does both for a node.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "config/configuration.hpp"
#include "config/errors.hpp"
#include "config/kinds.hpp"
#include "config/xml_tree.hpp"
#include "wire/bytes.hpp"

namespace reload::config {

struct SignatureElement {
  unsigned line = 0;
  std::string algorithm;        // the optional algorithm attribute, as written (informative)
  wire::Buffer security_block;  // the base64-decoded content: an encoded wire::SecurityBlock
};

struct SignedConfiguration {
  Configuration config;
  std::string source_name;  // the document's, for messages
  // Exactly the bytes from "<configuration" to "</configuration>" inclusive: what the
  // <signature> signs, and what a ConfigUpdate carries on.
  std::string text;
  std::size_t offset = 0;  // where `text` starts in the document
  unsigned line = 0;       // of the <configuration> start tag
  std::vector<SignatureElement> signatures;  // the <signature>s that follow it, in order
};

struct OverlayDocument {
  std::string source_name;
  std::vector<SignedConfiguration> configurations;  // document order
  // Things read but not acted on as written: registered Kinds whose data model or access
  // control the document contradicts (the registration wins), and with
  // ParseOptions::tolerate_placeholders the placeholders it left out.
  std::vector<ConfigError> warnings;
};

struct ParseOptions {
  XmlLimits limits;
  // Namespaces of extensions this node supports, for <mandatory-extension>. config-base and
  // config-chord are always supported. None other is implemented today.
  std::vector<std::string> supported_extensions;
  // Kind names this node knows (name -> id and definition).
  std::vector<KnownKind> known_kinds = standard_kinds();
  // For reading a document, not for joining with it: a root-cert that is base64 but not an
  // X.509 certificate, and a Node-ID of the wrong length, become warnings and are left out
  // instead of refusing the document. The RFC's own example needs this (its second root-cert
  // is "bad cert\n" and its Node-IDs are 8 bytes). Never set by a node that joins.
  bool tolerate_placeholders = false;
};

boost::system::result<OverlayDocument, ConfigError> parse_overlay_document(
    std::string_view xml, std::string_view source_name, const ParseOptions& options = {});

// Reads `file` (refusing more than options.limits.max_bytes) and parses it; errors name the
// file as given.
boost::system::result<OverlayDocument, ConfigError> read_overlay_document(
    const std::filesystem::path& file, const ParseOptions& options = {});

}  // namespace reload::config
