// The method table and the handlers the node registers in it, without a network: a request
// as the shell hands it over (verified signer, the link it came on) and the reply.
#include <doctest/doctest.h>

#include "crypto/issuance.hpp"
#include "node/app_attach_method.hpp"
#include "node/method_handler.hpp"
#include "node/topology_methods.hpp"
#include "wire/attach.hpp"
#include "wire/codec.hpp"
#include "wire/topology.hpp"

#include "node_ids.hpp"

using namespace reload;
using namespace reload::node;
using reload::node::test::id_of;
using C = wire::MessageCode;

namespace {

// Whose certificate signed does not matter to these handlers; the Node-ID does.
const crypto::VerifiedSigner& some_signer() {
  static const crypto::VerifiedSigner signer = [] {
    auto ca = crypto::CertificateAuthority::create("Test CA", crypto::KeyType::ecdsa_p256, std::chrono::hours(1)).value();
    auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
    auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
    crypto::Identity who{{id_of(0x20)}, "overlay.test", "peer@overlay.test", {}, {}, {}};
    return crypto::VerifiedSigner{ca.issue(csr, who, std::chrono::hours(1)).value(), id_of(0x20)};
  }();
  return signer;
}

struct Request {
  wire::Buffer body;
  wire::Message message;
  Request(C code, wire::Buffer b) : body(std::move(b)) {
    message.contents.message_code = static_cast<std::uint16_t>(code);
    message.contents.message_body = body;
  }
};

template <class Body>
Request request(C code, const Body& b) {
  return Request(code, wire::encode_to_buffer(b).value());
}

Reply handle(MethodTable& table, const Request& r, const wire::NodeId& sender, const wire::NodeId& previous_hop) {
  auto* h = table.find(r.message.contents.message_code);
  REQUIRE(h);
  return h->handle(IncomingRequest{r.message, some_signer(), sender, previous_hop, {}});
}

std::optional<errc> refused_with(const Reply& r) {
  if (const auto* f = std::get_if<Refusal>(&r)) return f->code;
  return std::nullopt;
}

struct Topology {
  topology::Chord chord{id_of(0x80), {}, 1};
  wire::CodecContext codec;
  std::vector<std::string> log;
  std::vector<wire::NodeId> admitted;
  TopologyMethods methods{chord, codec, 16, [this](const std::string& l) { log.push_back(l); },
                          [this](const wire::NodeId& joiner, topology::TimePoint) { admitted.push_back(joiner); }};
  MethodTable table;
  Topology() {
    chord.create({});
    methods.register_in(table);
  }
};

}  // namespace

TEST_CASE("one handler per request code; responses and second owners are refused") {
  MethodTable table;
  wire::CodecContext codec;
  AppAttachMethod app(codec, nullptr);
  table.add(C::app_attach_req, app);
  CHECK(table.find(static_cast<std::uint16_t>(C::app_attach_req)) == &app);
  CHECK(table.find(static_cast<std::uint16_t>(C::ping_req)) == nullptr);
  CHECK(table.find(static_cast<std::uint16_t>(C::app_attach_ans)) == nullptr);
  CHECK_THROWS_AS(table.add(C::app_attach_req, app), std::logic_error);
  CHECK_THROWS_AS(table.add(C::app_attach_ans, app), std::logic_error);
}

TEST_CASE("a Join counts only from the joiner itself, over its own link (6.4.2.1)") {
  Topology t;
  const auto joiner = id_of(0x40);
  auto join = request(C::join_req, wire::JoinReq{joiner, {}});
  CHECK(refused_with(handle(t.table, join, joiner, id_of(0x41))) == errc::forbidden);  // relayed by another peer
  CHECK(refused_with(handle(t.table, join, id_of(0x41), id_of(0x41))) == errc::forbidden);  // for somebody else
  CHECK(t.admitted.empty());
  auto ok = handle(t.table, join, joiner, joiner);
  REQUIRE(std::holds_alternative<Answer>(ok));
  CHECK(std::get<Answer>(ok).code == C::join_ans);
  CHECK(t.admitted == std::vector<wire::NodeId>{joiner});  // handed to the shell, which admits it
  CHECK(refused_with(handle(t.table, Request(C::join_req, {1, 2}), joiner, joiner)) == errc::invalid_message);
}

TEST_CASE("a Leave counts only from the leaver itself, over its own link (6.4.2.2)") {
  Topology t;
  const auto leaver = id_of(0x40);
  wire::Buffer data = wire::encode_to_buffer(wire::ChordLeaveData{}).value();
  auto leave = request(C::leave_req, wire::LeaveReq{leaver, data});
  CHECK(refused_with(handle(t.table, leave, leaver, id_of(0x90))) == errc::forbidden);  // arrived through 0x90
  CHECK(refused_with(handle(t.table, leave, id_of(0x90), id_of(0x90))) == errc::forbidden);  // for somebody else
  CHECK(t.log.empty());
  auto ok = handle(t.table, leave, leaver, leaver);
  REQUIRE(std::holds_alternative<Answer>(ok));
  CHECK(std::get<Answer>(ok).code == C::leave_ans);
}

TEST_CASE("a RouteQuery with send_update answers the next hop and queues an Update to the asker") {
  Topology t;
  t.chord.take_effects();
  wire::RouteQueryReq q;
  q.send_update = true;
  q.destination = id_of(0x10);
  auto reply = handle(t.table, request(C::route_query_req, q), id_of(0x30), id_of(0x30));
  REQUIRE(std::holds_alternative<Answer>(reply));
  auto ans = wire::decode_exact<wire::ChordRouteQueryAns>(std::get<Answer>(reply).body, t.codec);
  REQUIRE(ans.has_value());
  CHECK(ans->next_peer == id_of(0x80));  // alone in the ring: itself
  auto effects = t.chord.take_effects();
  REQUIRE(effects.size() == 1);
  CHECK(std::get<topology::effect::SendUpdate>(effects[0]).to == id_of(0x30));
}

namespace {
wire::AppAttachReq app_attach_for(std::uint16_t application, wire::OverlayLinkType link) {
  wire::AppAttachReq req;
  req.application = application;
  req.role = wire::as_bytes("passive");
  wire::IceCandidate c;
  c.addr_port = wire::Ipv4AddrPort{{192, 0, 2, 1}, 6084};
  c.overlay_link = link;
  c.foundation = wire::as_bytes("1");
  req.candidates.push_back(c);
  return req;
}
}  // namespace

TEST_CASE("an AppAttach for an application nobody listens on gets Error_Not_Found (6.5.2.2)") {
  MethodTable table;
  wire::CodecContext codec;
  std::vector<std::uint16_t> asked;
  AppAttachMethod app(codec, [&](const IncomingRequest&, const wire::AppAttachReq& req) -> std::optional<Reply> {
    asked.push_back(req.application);
    if (req.application != 5222) return std::nullopt;
    return Deferred{};
  });
  app.register_in(table);
  auto reply = handle(table, request(C::app_attach_req, app_attach_for(5223, wire::OverlayLinkType::dtls_udp_sr)),
                      id_of(0x30), id_of(0x30));
  REQUIRE(refused_with(reply) == errc::not_found);
  CHECK(std::get<Refusal>(reply).reason == "no listener for application 5223");
  // A registered application is the acceptor's to answer.
  auto served = handle(table, request(C::app_attach_req, app_attach_for(5222, wire::OverlayLinkType::dtls_udp_sr)),
                       id_of(0x30), id_of(0x30));
  CHECK(std::holds_alternative<Deferred>(served));
  CHECK(asked == std::vector<std::uint16_t>{5223, 5222});
  // Undecodable, without candidates, or with No-ICE candidates: refused before the acceptor.
  CHECK(refused_with(handle(table, Request(C::app_attach_req, {9}), id_of(0x30), id_of(0x30))) == errc::invalid_message);
  auto none = app_attach_for(5222, wire::OverlayLinkType::dtls_udp_sr);
  none.candidates.clear();
  CHECK(refused_with(handle(table, request(C::app_attach_req, none), id_of(0x30), id_of(0x30))) == errc::invalid_message);
  CHECK(refused_with(handle(table, request(C::app_attach_req, app_attach_for(5222, wire::OverlayLinkType::tls_tcp_fh_no_ice)),
                            id_of(0x30), id_of(0x30))) == errc::invalid_message);
  CHECK(asked.size() == 2);
}
