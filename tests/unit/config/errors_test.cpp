#include "config/errors.hpp"

#include <stdexcept>

#include <doctest/doctest.h>
#include <boost/system/result.hpp>

using namespace reload::config;

TEST_CASE("an error prints as FILE:LINE: <element>: reason") {
  ConfigError e{ConfigErrc::bad_value, "overlay.xml", 12, "chord:chord-ping-interval",
                "'x' is not a number"};
  CHECK(e.to_string() == "overlay.xml:12: <chord:chord-ping-interval>: 'x' is not a number");
}

TEST_CASE("line and element are left out when unknown") {
  CHECK(ConfigError{ConfigErrc::limit_exceeded, "big.xml", 0, "", "too big"}.to_string() ==
        "big.xml: too big");
  CHECK(ConfigError{ConfigErrc::not_found, "", 0, "", "none"}.to_string() ==
        "<configuration document>: none");
}

TEST_CASE("every code has a name") {
  CHECK(config_errc_name(ConfigErrc::malformed_xml) == "malformed_xml");
  CHECK(config_errc_name(ConfigErrc::io) == "io");
  CHECK(config_errc_name(ConfigErrc::not_a_signer) == "not_a_signer");
}

TEST_CASE("value() on an error throws with the one-line message") {
  boost::system::result<int, ConfigError> r =
      ConfigError{ConfigErrc::missing, "a.xml", 3, "configuration", "attribute instance-name is missing"};
  CHECK_THROWS_WITH_AS(r.value(), "a.xml:3: <configuration>: attribute instance-name is missing",
                       std::runtime_error);
}
