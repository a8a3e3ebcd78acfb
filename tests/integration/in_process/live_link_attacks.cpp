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

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "crypto/issuance.hpp"
#include "node/message_builder.hpp"
#include "overlay_harness.hpp"
#include "transport/tls_context.hpp"
#include "transport/tls_link.hpp"
#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/framing.hpp"
#include "wire/hashes.hpp"
#include "wire/ping.hpp"

using namespace reload;
using namespace std::chrono_literals;
using boost::system::error_code;
namespace asio = boost::asio;

namespace {

// The other end of one attack link: what came back and whether the node closed it.
struct Recorder final : transport::LinkHandler {
  std::vector<wire::Buffer> received;
  bool closed = false;
  void on_link_message(transport::TlsLink&, wire::Bytes m) override { received.emplace_back(m.begin(), m.end()); }
  void on_link_suspect(transport::TlsLink&) override {}
  void on_link_closed(transport::TlsLink&, error_code) override { closed = true; }
};

struct Attacker {
  transport::TlsIdentity identity;
  std::optional<crypto::Signer> signer;
  wire::NodeId node_id;
};

class Rig {
 public:
  explicit Rig(test::InProcessOverlay& overlay)
      : overlay_(overlay),
        target_(*overlay.nodes().front()),
        models_(target_.configuration().data_models()),
        codec_(target_.configuration().codec_context(models_)),
        trust_(crypto::TrustStore(target_.configuration().trust_policy())) {}

  node::OverlayNode& target() { return target_; }

  // An attacker's side sends frames of any size: the node must do the refusing.
  static transport::LinkLimits attacker_limits() {
    transport::LinkLimits l;
    l.max_message_size = 1 << 20;
    return l;
  }

  // A TlsLink from `who` to the target, started with `rec`; nullptr when the node refused it
  // during the handshake.
  std::shared_ptr<transport::TlsLink> link(const Attacker& who, Recorder& rec) {
    auto tls = transport::make_tls_context(who.identity);
    test::check(tls.has_value(), "attacker TLS context");
    std::optional<boost::system::result<std::shared_ptr<transport::TlsLink>>> made;
    asio::co_spawn(overlay_.io,
                   transport::TlsLink::connect(target_.listen_endpoint(), **tls, trust_, target_.self(), attacker_limits()),
                   [&](std::exception_ptr, auto r) { made = std::move(r); });
    overlay_.run_until([&] { return made.has_value(); }, 10s);
    test::check(made.has_value(), "connect did not finish");
    keep_tls_.push_back(*tls);
    if (!*made) return nullptr;
    auto l = **made;
    l->start(rec);
    return l;
  }

  // Sends raw bytes over TLS with no framing, then reads until the node closes. True when it
  // closed the connection within `limit`.
  bool raw_closes(const Attacker& who, wire::Bytes bytes, std::chrono::milliseconds limit) {
    auto tls = transport::make_tls_context(who.identity);
    auto stream = std::make_shared<asio::ssl::stream<asio::ip::tcp::socket>>(overlay_.io, **tls);
    auto closed = std::make_shared<bool>(false);
    wire::Buffer data(bytes.begin(), bytes.end());
    asio::co_spawn(overlay_.io, [to = target_.listen_endpoint(), stream, data, closed]() -> asio::awaitable<void> {
      error_code ec;
      co_await stream->next_layer().async_connect(to, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) co_await stream->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) co_await asio::async_write(*stream, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
      std::array<std::uint8_t, 4096> sink;
      while (!ec) co_await stream->async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
      *closed = true;
    }, asio::detached);
    const bool by_node = overlay_.run_until([&] { return *closed; }, limit);
    if (!by_node) stream->next_layer().close();
    overlay_.run_for(50ms);
    return by_node;
  }

  wire::Buffer ping_message(const Attacker& who, wire::DestinationList to, std::uint8_t ttl,
                            std::uint32_t overlay_hash) {
    node::Envelope e;
    e.overlay = overlay_hash;
    e.configuration_sequence = target_.configuration().sequence.value_or(0);
    e.ttl = ttl;
    e.transaction_id = random_();
    e.destinations = std::move(to);
    auto body = wire::encode_to_buffer(wire::PingReq{}).value();
    auto m = node::build_message(e, static_cast<std::uint16_t>(wire::MessageCode::ping_req), body, *who.signer);
    test::check(m.has_value(), "building a Ping");
    return std::move(*m);
  }
  std::uint32_t overlay_hash() const { return wire::overlay_hash(target_.configuration().instance_name); }

  // The RELOAD error code of the one answer `rec` got, or 0 for a success answer.
  std::uint16_t answer_code(const Recorder& rec) {
    test::check(rec.received.size() == 1, fmt::format("expected one answer, got {}", rec.received.size()));
    auto m = wire::decode_message(rec.received.front(), codec_);
    test::check(m.has_value(), "the answer does not decode");
    if (m->contents.message_code != static_cast<std::uint16_t>(wire::MessageCode::error)) return 0;
    auto e = wire::decode_exact<wire::ErrorResponse>(m->contents.message_body, codec_);
    test::check(e.has_value(), "the error answer does not decode");
    return e->error_code;
  }

  // Everyone else is still served: every node Pings the target and the target Pings every node.
  void others_still_served(const std::string& after) {
    std::size_t want = 0, ok = 0;
    for (const auto& n : overlay_.nodes()) {
      if (n.get() == &target_) continue;
      want += 2;
      test::ping(*n, {target_.self()}, [&](test::PingResult r) { ok += !r.error; });
      test::ping(target_, {n->self()}, [&](test::PingResult r) { ok += !r.error; });
    }
    overlay_.run_until([&] { return ok == want; }, 10s);
    test::check(ok == want, fmt::format("after {}: only {} of {} Pings to and from the node answered", after, ok, want));
  }

 private:
  test::InProcessOverlay& overlay_;
  node::OverlayNode& target_;
  wire::DataModelTable models_;
  wire::CodecContext codec_;
  crypto::CertificateCache trust_;
  std::vector<std::shared_ptr<asio::ssl::context>> keep_tls_;
  std::mt19937_64 random_{42};
};

Attacker attacker_from(const config::NodeState& st) {
  Attacker a{{st.key, st.certificate}, crypto::Signer::make(st.key, st.certificate, st.node_ids.front()).value(),
             st.node_ids.front()};
  return a;
}

// A key pair and a certificate for `node_id` in `overlay` issued by `ca`.
Attacker issued_by(const crypto::CertificateAuthority& ca, const std::string& overlay, const std::string& user) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, user).value()).value();
  wire::Buffer id(16);
  std::mt19937_64 r(std::hash<std::string>{}(user));
  for (auto& b : id) b = static_cast<std::uint8_t>(r());
  wire::NodeId node_id(id);
  crypto::Identity who{{node_id}, overlay, user + "@" + overlay, std::nullopt, {}, {}};
  auto cert = ca.issue(csr, who, std::chrono::hours(24)).value();
  return Attacker{{key, cert}, crypto::Signer::make(key, cert, node_id).value(), node_id};
}

}  // namespace

int main(int argc, char** argv) {
  auto args = test::parse_rig_args(argc, argv, "live_link_attacks CONFIG_URL CA_FILE PASSWORD WORK_DIR");
  test::InProcessOverlay overlay(args);
  for (int i = 0; i < 4; ++i) overlay.add(fmt::format("peer{:02}", i));
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 30s), "ring of 4");
  Rig rig(overlay);
  auto& target = rig.target();
  const auto mallory = attacker_from(test::enroll(args, "mallory"));
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
    Recorder rec;
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
  auto link_closed = [&](const char* what, const Attacker& who, wire::Buffer payload) {
    Recorder rec;
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
  link_closed("a certificate from another CA", issued_by(foreign_ca, overlay_name, "outsider"), good);

  // A subordinate of the overlay's own CA: good with its intermediate, refused without.
  auto root = crypto::CertificateAuthority::load(args.ca_file.parent_path()).value();
  auto sub = root.make_subordinate("Overlay sub-CA", crypto::KeyType::ecdsa_p256, std::chrono::hours(24)).value();
  auto subordinate_peer = issued_by(sub, overlay_name, "subordinate");
  link_closed("a sub-CA leaf without its intermediate", subordinate_peer, good);
  subordinate_peer.identity.intermediates.push_back(sub.certificate());
  {
    Recorder rec;
    auto l = rig.link(subordinate_peer, rec);
    test::check(l != nullptr, "a sub-CA leaf with its intermediate was refused");
    l->send(rig.ping_message(subordinate_peer, {target.self()}, 100, rig.overlay_hash()));
    overlay.run_until([&] { return !rec.received.empty() || rec.closed; }, 10s);
    test::check(!rec.received.empty() && rig.answer_code(rec) == 0, "a sub-CA leaf with its intermediate: no answer");
    l->close();
    std::printf("%-40s accepted, Ping answered\n", "a sub-CA leaf with its intermediate");
  }

  overlay.leave_all();
  std::printf("OK\n");
  return 0;
}
