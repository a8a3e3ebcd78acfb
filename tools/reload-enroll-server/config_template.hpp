// The server's own URL in the configuration document it serves.
//
// A template names the enrollment server in <enrollment-server>, but the server only knows
// its address once it listens (port 0 picks a free port), and a test rig should not have to
// guess a free port ahead. So before signing, every <enrollment-server> of every
// <configuration> in the template is replaced by the URL the server really serves
// (https://ADDR:PORT/enroll, or --public-url), and one is added to a configuration that has
// none. The rest of the template is kept byte for byte. The element tree (with byte offsets)
// comes from the config module's expat reader: no XML is parsed by hand here.
#pragma once

#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "config/errors.hpp"

namespace reload::enroll {

// Errors are the XML reader's (to_string(): "FILE:LINE: <element>: reason").
boost::system::result<std::string, config::ConfigError> set_enrollment_server(std::string_view template_xml,
                                                                      std::string_view source_name,
                                                                      std::string_view url);

}  // namespace reload::enroll
