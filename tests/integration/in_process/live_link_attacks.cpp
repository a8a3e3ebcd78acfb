// Issue 4's bad-input proof: a live node of a four-node overlay (real TLS, certificates from
// the real enrollment server) is fed, each on its own link from "mallory" (a user of the
// overlay) or from outsiders: random bytes, a frame of garbage, a truncated header, a wrong
// overlay hash, TTL 0, a forged signature, an oversized frame, a certificate from another
// CA. Each must get its RFC error or a closed link, and after each the node still answers
// everyone else. Also: a peer whose certificate comes from a subordinate CA is accepted when
// it sends the intermediate, and refused when it does not.
//
//   live_link_attacks CONFIG_URL CA_FILE PASSWORD WORK_DIR
#include <cstdio>
#include <random>

#include <fmt/format.h>

#include "attack_rig.hpp"
#include "wire/error_response.hpp"

using namespace reload;
using namespace std::chrono_literals;
using boost::system::error_code;
namespace asio = boost::asio;

int main(int argc, char** argv) {
  auto args = test::parse_rig_args(argc, argv, "live_link_attacks CONFIG_URL CA_FILE PASSWORD WORK_DIR");
  test::InProcessOverlay overlay(args);
  overlay.add_ring(4, 30s);
  test::AttackRig rig(overlay);
  auto& target = rig.target();
  const auto mallory = test::attacker_from(test::enroll(args, "mallory"));
  const std::string overlay_name = target.configuration().instance_name;
  std::mt19937_64 random(7);
  auto random_bytes = [&](std::size_t n) {
    wire::Buffer b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(random());
    return b;
  };
  auto far_key = [&] {  // a Resource-ID the target is not responsible for
    for (const auto& n : overlay.nodes())
      if (n.get() != &target) return wire::ResourceId(n->self().bytes());
    test::fail("no other node");
  };

  // Each case: send, run until the node answered or closed the link, check which.
  auto answered_with = [&](const char* what, wire::Buffer message, errc expected) {
    test::Recorder rec;
    auto l = rig.link(mallory, rec);
    test::check(l != nullptr, fmt::format("{}: the link was refused", what));
    l->send(message);
    overlay.run_until([&] { return !rec.received.empty() || rec.closed; }, 10s);
    test::check(!rec.closed, fmt::format("{}: the node closed the link instead of answering", what));
    auto code = rig.answer_code(rec);
    auto name = [](std::uint16_t c) { return c == 0 ? "none" : errc_name(c) ? errc_name(c) : "unknown"; };
    test::check(code == static_cast<std::uint16_t>(expected),
                fmt::format("{}: answered with error {}, expected {}", what, name(code),
                            name(static_cast<std::uint16_t>(expected))));
    // The link still works for a good request.
    rec.received.clear();
    l->send(rig.ping_message(mallory, {target.self()}, 100, rig.overlay_hash()));
    overlay.run_until([&] { return !rec.received.empty() || rec.closed; }, 10s);
    test::check(!rec.received.empty() && rig.answer_code(rec) == 0, fmt::format("{}: a good Ping after it failed", what));
    l->close();
    rig.others_still_served(what);
    std::printf("%-40s answered %s, link kept, others served\n", what, code ? name(code) : "PingAns");
  };
  auto link_closed = [&](const char* what, const test::Attacker& who, wire::Buffer payload) {
    test::Recorder rec;
    auto l = rig.link(who, rec);
    if (l) {
      l->send(payload);
      overlay.run_until([&] { return rec.closed; }, 10s);
      test::check(rec.closed, fmt::format("{}: the node kept the link open", what));
      test::check(rec.received.empty(), fmt::format("{}: the node answered", what));
    }
    rig.others_still_served(what);
    std::printf("%-40s link closed%s, others served\n", what, l ? "" : " in the handshake");
  };

  const auto good = rig.ping_message(mallory, {target.self()}, 100, rig.overlay_hash());

  // A good Ping first, so the cases below fail for their own reason.
  answered_with("a good Ping (control)", good, errc{});
  test::check(rig.raw_closes(mallory, random_bytes(4096), 10s), "random bytes, unframed: the node kept the connection");
  rig.others_still_served("random bytes, unframed");
  std::printf("%-40s connection closed, others served\n", "random bytes, unframed");
  link_closed("a frame of random bytes", mallory, random_bytes(300));
  link_closed("a truncated forwarding header", mallory, wire::Buffer(good.begin(), good.begin() + 20));
  answered_with("a wrong overlay hash", rig.ping_message(mallory, {target.self()}, 100, rig.overlay_hash() ^ 1),
                errc::invalid_message);
  answered_with("TTL 0 for another node's key", rig.ping_message(mallory, {far_key()}, 0, rig.overlay_hash()),
                errc::ttl_exceeded);
  auto forged = good;
  forged.back() ^= 0x01;  // the last byte of the signature
  answered_with("a forged signature", forged, errc::forbidden);
  {
    auto oversized = rig.ping_message(mallory, {target.self()}, 100, rig.overlay_hash());
    oversized.resize(target.configuration().max_message_size + 100, 0);
    link_closed("a frame over max-message-size", mallory, oversized);
  }
  auto foreign_ca = crypto::CertificateAuthority::create("Another CA", crypto::KeyType::ecdsa_p256, std::chrono::hours(24)).value();
  link_closed("a certificate from another CA", test::issued_by(foreign_ca, overlay_name, "outsider"), good);

  // A subordinate of the overlay's own CA: good with its intermediate, refused without.
  auto root = crypto::CertificateAuthority::load(args.ca_file.parent_path()).value();
  auto sub = root.make_subordinate("Overlay sub-CA", crypto::KeyType::ecdsa_p256, std::chrono::hours(24)).value();
  auto subordinate_peer = test::issued_by(sub, overlay_name, "subordinate");
  link_closed("a sub-CA leaf without its intermediate", subordinate_peer, good);
  subordinate_peer.identity.intermediates.push_back(sub.certificate());
  {
    test::Recorder rec;
    auto l = rig.link(subordinate_peer, rec);
    test::check(l != nullptr, "a sub-CA leaf with its intermediate was refused");
    l->send(rig.ping_message(subordinate_peer, {target.self()}, 100, rig.overlay_hash()));
    overlay.run_until([&] { return !rec.received.empty() || rec.closed; }, 10s);
    test::check(!rec.received.empty() && rig.answer_code(rec) == 0, "a sub-CA leaf with its intermediate: no answer");
    l->close();
    overlay.run_until([&] { return rec.closed; }, 10s);  // rec must outlive the link's last callback
    std::printf("%-40s accepted, Ping answered\n", "a sub-CA leaf with its intermediate");
  }

  overlay.leave_all();
  std::printf("OK\n");
  return 0;
}
