// Internal to src/config: turns one <configuration> element of the tree into a
// Configuration, checking the grammar of RFC 6940 section 11.1.1 and the value rules of 11.1.
#pragma once

#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "config/configuration.hpp"
#include "config/errors.hpp"
#include "config/overlay_document.hpp"
#include "config/xml_tree.hpp"

namespace reload::config::detail {

struct ReaderContext {
  std::string_view document;  // the whole text: kind-signatures cover slices of it
  std::string_view source_name;
  const ParseOptions& options;
  std::vector<ConfigError>& warnings;
};

// The error for `e`: source name, e's line and qualified name.
ConfigError error_at(const ReaderContext& ctx, const XmlElement& e, ConfigErrc code,
                     std::string reason);

// Checks that `e` has no unqualified attribute outside `allowed` and no attribute in the
// config-base or config-chord namespaces (the grammar's foreign-attributes exclude them).
boost::system::result<void, ConfigError> check_attributes(
    const ReaderContext& ctx, const XmlElement& e,
    std::initializer_list<std::string_view> allowed);

boost::system::result<Configuration, ConfigError> read_configuration(const ReaderContext& ctx,
                                                                     const XmlElement& e);

}  // namespace reload::config::detail
