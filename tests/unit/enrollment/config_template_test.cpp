#include "config_template.hpp"

#include <fstream>

#include <doctest/doctest.h>

using namespace reload::enroll;

namespace {
const char* const url = "https://127.0.0.1:4711/enroll";
}

TEST_CASE("every enrollment-server is replaced by the server's URL, the rest kept byte for byte") {
  std::string doc =
      "<?xml version=\"1.0\"?>\n<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">\n"
      "  <configuration instance-name=\"a.test\">\n"
      "    <enrollment-server>https://127.0.0.1:8443/enroll</enrollment-server>\n"
      "    <enrollment-server>https://backup.example/</enrollment-server>\n"
      "    <node-id-length>16</node-id-length>\n"
      "  </configuration>\n</overlay>\n";
  auto out = set_enrollment_server(doc, "t.xml", url).value();
  CHECK(out ==
        "<?xml version=\"1.0\"?>\n<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">\n"
        "  <configuration instance-name=\"a.test\">\n"
        "    <enrollment-server>https://127.0.0.1:4711/enroll</enrollment-server>\n"
        "    <enrollment-server>https://127.0.0.1:4711/enroll</enrollment-server>\n"
        "    <node-id-length>16</node-id-length>\n"
        "  </configuration>\n</overlay>\n");
}

TEST_CASE("a configuration without one gets one, indented like its first child, with its prefix") {
  std::string doc =
      "<p:overlay xmlns:p=\"urn:ietf:params:xml:ns:p2p:config-base\">\n"
      "  <p:configuration instance-name=\"a.test\">\n"
      "      <p:node-id-length>16</p:node-id-length>\n"
      "  </p:configuration>\n"
      "  <p:configuration instance-name=\"a.test\" sequence=\"2\"><p:enrollment-server/></p:configuration>\n"
      "</p:overlay>";
  auto out = set_enrollment_server(doc, "t.xml", "https://h/e?a=1&b=<2>").value();
  CHECK(out ==
        "<p:overlay xmlns:p=\"urn:ietf:params:xml:ns:p2p:config-base\">\n"
        "  <p:configuration instance-name=\"a.test\">\n"
        "      <p:enrollment-server>https://h/e?a=1&amp;b=&lt;2&gt;</p:enrollment-server>\n"
        "      <p:node-id-length>16</p:node-id-length>\n"
        "  </p:configuration>\n"
        "  <p:configuration instance-name=\"a.test\" sequence=\"2\">"
        "<p:enrollment-server>https://h/e?a=1&amp;b=&lt;2&gt;</p:enrollment-server></p:configuration>\n"
        "</p:overlay>");
}

TEST_CASE("the shipped template gets the URL; broken XML is an error with its place") {
  std::ifstream in(OVERLAY_CONFIG_DIR "/local-xmpp.xml", std::ios::binary);
  std::string shipped((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(shipped.find("https://127.0.0.1:8443/enroll") != std::string::npos);
  auto filled = set_enrollment_server(shipped, "local-xmpp.xml", url).value();
  CHECK(filled.find("8443") == std::string::npos);
  CHECK(filled.size() == shipped.size() - std::string_view("8443").size() + std::string_view("4711").size());

  std::string doc = "<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">\n<configuration>\n</overlay>";
  auto r = set_enrollment_server(doc, "t.xml", url);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().to_string().starts_with("t.xml:"));
}
