// The library's enrollment client as a command, for tests/integration/enrollment_test.py:
//   enroll_client CONFIG_URL CA_FILE USER PASSWORD STATE_DIR [XMPP_ADDRESS]
// Prints "enrolled <Node-ID>" after enrolling, or "loaded <Node-ID>" when enroll() found an
// identity in STATE_DIR and contacted no server; on failure the one-line reason, exit 1.
#include <cstdio>

#include "config/enrollment_client.hpp"

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    std::fprintf(stderr, "usage: enroll_client CONFIG_URL CA_FILE USER PASSWORD STATE_DIR [XMPP_ADDRESS]\n");
    return 2;
  }
  namespace config = reload::config;
  config::EnrollmentRequest req;
  req.config_url = argv[1];
  req.ca_file = argv[2];
  req.username = argv[3];
  req.password = argv[4];
  req.state_dir = argv[5];
  if (argc == 7) req.expected_xmpp_address = argv[6];
  auto st = config::enroll(req);
  if (!st) {
    std::printf("%s\n", st.error().c_str());
    return 1;
  }
  std::printf("%s %s\n", st->enrolled_now ? "enrolled" : "loaded", st->node_ids.front().hex().c_str());
  return 0;
}
