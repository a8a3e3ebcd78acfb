#include "attack_rig.hpp"

#include <filesystem>
#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "node/message_builder.hpp"
#include "transport/tls_context.hpp"
#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/hashes.hpp"
#include "wire/ping.hpp"

namespace reload::test {

using namespace std::chrono_literals;
using boost::system::error_code;

namespace {

// An attacker's side sends frames of any size: the node must do the refusing.
transport::LinkLimits attacker_limits() {
  transport::LinkLimits l;
  l.max_message_size = 1 << 20;
  return l;
}

}  // namespace

AttackRig::AttackRig(InProcessOverlay& overlay)
    : overlay_(overlay),
      target_(*overlay.nodes().front()),
      models_(target_.configuration().data_models()),
      codec_(target_.configuration().codec_context(models_)),
      trust_(crypto::TrustStore(target_.configuration().trust_policy())) {}

std::shared_ptr<transport::TlsLink> AttackRig::link(const Attacker& who, Recorder& rec) {
  auto tls = transport::make_tls_context(who.identity);
  check(tls.has_value(), "attacker TLS context");
  std::optional<boost::system::result<std::shared_ptr<transport::TlsLink>>> made;
  asio::co_spawn(overlay_.io,
                 transport::TlsLink::connect(target_.listen_endpoint(), **tls, trust_, target_.self(), attacker_limits()),
                 [&](std::exception_ptr, auto r) { made = std::move(r); });
  overlay_.run_until([&] { return made.has_value(); }, 10s);
  check(made.has_value(), "connect did not finish");
  keep_tls_.push_back(*tls);
  if (!*made) return nullptr;
  auto l = **made;
  l->start(rec);
  return l;
}

bool AttackRig::raw_closes(const Attacker& who, wire::Bytes bytes, std::chrono::milliseconds limit) {
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

wire::Buffer AttackRig::build(const Attacker& who, wire::DestinationList to, wire::MessageCode code, wire::Bytes body,
                              std::uint8_t ttl, std::uint32_t overlay_hash, std::uint32_t max_response_length) {
  node::Envelope e;
  e.overlay = overlay_hash;
  e.configuration_sequence = target_.configuration().sequence.value_or(0);
  e.ttl = ttl;
  e.transaction_id = random_();
  e.max_response_length = max_response_length;
  e.destinations = std::move(to);
  auto m = node::build_message(e, static_cast<std::uint16_t>(code), body, *who.signer);
  check(m.has_value(), "building a request");
  return std::move(*m);
}

wire::Buffer AttackRig::ping_message(const Attacker& who, wire::DestinationList to, std::uint8_t ttl,
                                     std::uint32_t overlay_hash) {
  auto body = wire::encode_to_buffer(wire::PingReq{}).value();
  return build(who, std::move(to), wire::MessageCode::ping_req, body, ttl, overlay_hash, 0);
}

wire::Buffer AttackRig::request_message(const Attacker& who, wire::DestinationList to, wire::MessageCode code,
                                        wire::Bytes body, std::uint32_t max_response_length) {
  return build(who, std::move(to), code, body, 100, overlay_hash(), max_response_length);
}

std::uint32_t AttackRig::overlay_hash() const { return wire::overlay_hash(target_.configuration().instance_name); }

wire::Buffer AttackRig::answer_message(const Attacker& who, const wire::Message& request, wire::MessageCode code,
                                       wire::Bytes body) {
  node::Envelope e;
  e.overlay = request.header.overlay;
  e.configuration_sequence = request.header.configuration_sequence;
  e.ttl = 100;
  e.transaction_id = request.header.transaction_id;
  for (auto it = request.header.via_list.rbegin(); it != request.header.via_list.rend(); ++it) e.destinations.push_back(*it);
  if (e.destinations.empty()) e.destinations.emplace_back(target_.self());
  auto m = node::build_message(e, static_cast<std::uint16_t>(code), body, *who.signer);
  check(m.has_value(), "building an answer");
  return std::move(*m);
}

std::uint16_t AttackRig::answer_code(const Recorder& rec) {
  check(rec.received.size() == 1, fmt::format("expected one answer, got {}", rec.received.size()));
  auto m = wire::decode_message(rec.received.front(), codec_);
  check(m.has_value(), "the answer does not decode");
  if (m->contents.message_code != static_cast<std::uint16_t>(wire::MessageCode::error)) return 0;
  auto e = wire::decode_exact<wire::ErrorResponse>(m->contents.message_body, codec_);
  check(e.has_value(), "the error answer does not decode");
  return e->error_code;
}

ProcessUsage ProcessUsage::now() {
  ProcessUsage u;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) u.rss_kib = std::stoul(line.substr(6));
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++u.fds;
  return u;
}

std::string usage_change(const ProcessUsage& before, const ProcessUsage& after) {
  return fmt::format("RSS {} -> {} KiB, fds {} -> {}", before.rss_kib, after.rss_kib, before.fds, after.fds);
}

void AttackRig::others_still_served(const std::string& after) {
  std::size_t want = 0, ok = 0;
  for (const auto& n : overlay_.nodes()) {
    if (n.get() == &target_) continue;
    want += 2;
    test::ping(*n, {target_.self()}, [&](test::PingResult r) { ok += !r.error; });
    test::ping(target_, {n->self()}, [&](test::PingResult r) { ok += !r.error; });
  }
  overlay_.run_until([&] { return ok == want; }, 10s);
  check(ok == want, fmt::format("after {}: only {} of {} Pings to and from the node answered", after, ok, want));
}

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

}  // namespace reload::test
