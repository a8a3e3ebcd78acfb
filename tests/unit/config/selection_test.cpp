#include "config/selection.hpp"

#include <string>

#include <doctest/doctest.h>

#include "config/lexical.hpp"

using namespace reload;
using namespace reload::config;
using namespace std::chrono;

namespace {

std::string configuration(std::string_view name, std::string_view attrs, std::string_view body = "") {
  return "  <configuration instance-name=\"" + std::string(name) + "\" " + std::string(attrs) + ">" +
         std::string(body) + "</configuration>\n";
}

OverlayDocument parse(const std::string& configurations) {
  return parse_overlay_document(
             "<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">\n" + configurations + "</overlay>\n",
             "sel.xml")
      .value();
}

SelectOptions unverified(Configuration::Clock::time_point now) {
  SelectOptions o;
  o.now = now;
  o.verify_signatures = false;
  return o;
}

const auto y2025 = sys_days(year{2025} / 1 / 1);

}  // namespace

TEST_CASE("the highest sequence for the instance name wins") {
  auto doc = parse(configuration("a.test", "sequence=\"1\"") + configuration("a.test", "sequence=\"3\"") +
                   configuration("b.test", "sequence=\"9\"") + configuration("a.test", "sequence=\"2\"") +
                   configuration("a.test", ""));
  auto sc = select_configuration(doc, "a.test", unverified(y2025)).value();
  CHECK(sc.config.sequence == 3);
  CHECK(sc.line == 3);
  CHECK(select_configuration(doc, "b.test", unverified(y2025)).value().config.sequence == 9);
}

TEST_CASE("no sequence sorts below sequence 0") {
  auto doc = parse(configuration("a.test", "") + configuration("a.test", "sequence=\"0\""));
  CHECK(select_configuration(doc, "a.test", unverified(y2025)).value().config.sequence == 0);
}

TEST_CASE("an instance name the document does not hold") {
  auto doc = parse(configuration("a.test", "") + configuration("b.test", ""));
  auto r = select_configuration(doc, "c.test", unverified(y2025));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::not_found);
  CHECK(r.error().to_string() ==
        "sel.xml: no configuration for overlay 'c.test' in this document (it has a.test, b.test)");
}

TEST_CASE("two different configurations with the same sequence are ambiguous") {
  auto doc = parse(configuration("a.test", "sequence=\"4\"") +
                   configuration("a.test", "sequence=\"4\"", "<no-ice>true</no-ice>"));
  auto r = select_configuration(doc, "a.test", unverified(y2025));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::duplicate);
  CHECK(r.error().line == 3);
  // The same configuration twice is harmless.
  auto twice = parse(configuration("a.test", "sequence=\"4\"") + configuration("a.test", "sequence=\"4\""));
  CHECK(select_configuration(twice, "a.test", unverified(y2025)).has_value());
}

TEST_CASE("an expired configuration is refused, even when an older one is still valid") {
  auto doc = parse(configuration("a.test", "sequence=\"1\" expiration=\"2030-01-01T00:00:00Z\"") +
                   configuration("a.test", "sequence=\"2\" expiration=\"2024-06-01T12:00:00Z\""));
  auto r = select_configuration(doc, "a.test", unverified(y2025));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::expired);
  CHECK(r.error().line == 3);
  CHECK(r.error().to_string() ==
        "sel.xml:3: <configuration>: the configuration for a.test (sequence 2) expired at "
        "2024-06-01T12:00:00Z; fetch a fresh configuration document");
  // Before it expired it was the one.
  CHECK(select_configuration(doc, "a.test", unverified(sys_days(year{2024} / 1 / 1))).value().config.sequence ==
        2);
  // The expiration instant itself is already too late.
  CHECK_FALSE(select_configuration(doc, "a.test",
                                   unverified(sys_days(year{2024} / 6 / 1) + hours(12))).has_value());
}

TEST_CASE("an update never goes back in sequence") {
  auto current_doc = parse(configuration("a.test", "sequence=\"5\""));
  const auto& current = current_doc.configurations[0];
  auto opts = unverified(y2025);
  opts.current = &current;

  auto older = parse(configuration("a.test", "sequence=\"4\""));
  auto r = select_configuration(older, "a.test", opts);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::too_old);
  CHECK(r.error().reason == "sequence 4 is older than the configuration in force (sequence 5)");

  CHECK(select_configuration(current_doc, "a.test", opts).has_value());  // the same one again
  auto changed = parse(configuration("a.test", "sequence=\"5\"", "<no-ice>1</no-ice>"));
  auto same_seq = select_configuration(changed, "a.test", opts);
  REQUIRE_FALSE(same_seq.has_value());
  CHECK(same_seq.error().code == ConfigErrc::too_old);
  CHECK(select_configuration(parse(configuration("a.test", "sequence=\"6\"")), "a.test", opts).has_value());
}

TEST_CASE("signatures are verified by default") {
  auto doc = parse(configuration("a.test", "sequence=\"1\""));
  SelectOptions o;
  o.now = y2025;
  auto r = select_configuration(doc, "a.test", o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::unsigned_document);
  CHECK(r.error().line == 2);
}
