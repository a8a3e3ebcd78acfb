// Issue 14's hostile-peer proof: a member of the overlay ("mallory", enrolled like anyone)
// misbehaves toward a live node of a four-node overlay (real TLS, certificates from the real
// enrollment server). For each attack: what the node does, and that afterwards it still
// serves everyone else.
//
//   hostile_peers CONFIG_URL CA_FILE PASSWORD WORK_DIR
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include "attack_rig.hpp"
#include "node/storage_client.hpp"
#include "wire/codec.hpp"
#include "wire/hashes.hpp"
#include "wire/ping.hpp"
#include "wire/probe.hpp"

using namespace reload;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

struct Outcome {
  bool done = false;
  test::PingResult result;
  test::Recorder mallory;  // mallory's end of its link, closed after the target has let go
};

// The target Pings `to` through mallory's link; mallory answers every copy itself, signed
// with its own certificate, instead of passing it on.
std::shared_ptr<Outcome> answered_by_mallory(test::InProcessOverlay& overlay, test::AttackRig& rig,
                                             const test::Attacker& mallory, wire::Destination to,
                                             std::size_t& forged) {
  auto outcome = std::make_shared<Outcome>();
  auto* rec = &outcome->mallory;
  auto link = rig.link(mallory, *rec);
  test::check(link != nullptr, "mallory's link was refused");
  overlay.run_for(100ms);  // the target adds the link
  test::ping(rig.target(), {mallory.node_id, to}, [outcome](test::PingResult r) {
    outcome->done = true;
    outcome->result = r;
  });
  const auto body = wire::encode_to_buffer(wire::PingAns{1, 2}).value();
  std::size_t seen = 0;
  overlay.run_until([&] {
    for (; seen < rec->received.size(); ++seen) {
      auto m = wire::decode_message(rec->received[seen], rig.codec());
      if (!m || m->contents.message_code != static_cast<std::uint16_t>(wire::MessageCode::ping_req)) continue;
      link->send(rig.answer_message(mallory, *m, wire::MessageCode::ping_ans, body));
      ++forged;
    }
    return outcome->done;
  }, 20s);
  link->close();
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = test::parse_rig_args(argc, argv, "hostile_peers CONFIG_URL CA_FILE PASSWORD WORK_DIR");
  test::InProcessOverlay overlay(args);
  overlay.add_ring(4, 30s);
  test::AttackRig rig(overlay);
  auto& target = rig.target();
  const auto mallory = test::attacker_from(test::enroll(args, "mallory"));
  const auto& other = *overlay.nodes().at(1);

  // Section 6.3.4, first check: a request to Node-ID B is answered by mallory, the peer it
  // was handed to first. The node refuses every copy; the request times out.
  {
    const auto usage = test::ProcessUsage::now();
    std::size_t forged = 0;
    const auto refused_before = target.refused_answers();
    const auto t0 = std::chrono::steady_clock::now();
    auto o = answered_by_mallory(overlay, rig, mallory, other.self(), forged);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    test::check(o->done, "a Ping answered only by the wrong peer never completed");
    test::check(o->result.responder != mallory.node_id, "the node took mallory's answer to a request for another Node-ID");
    test::check(o->result.error == errc::request_timeout,
                fmt::format("expected Error_Request_Timeout, got {}", o->result.error.message()));
    test::check(forged >= 1 && target.refused_answers() - refused_before == forged,
                fmt::format("{} forged answers, {} refused", forged, target.refused_answers() - refused_before));
    rig.others_still_served("answers to a Node-ID from the wrong peer");
    std::printf("%-52s %zu refused, request failed after %.1f s, others served; %s\n",
                "answers to a Node-ID from the wrong peer", forged, took.count() / 1000.0,
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  // Second check: a request to a Resource-ID answered by a peer farther from it than a
  // member of the node's neighbor table (the key is that member's own Node-ID).
  {
    const auto usage = test::ProcessUsage::now();
    std::size_t forged = 0;
    const auto refused_before = target.refused_answers();
    auto o = answered_by_mallory(overlay, rig, mallory, wire::ResourceId(other.self().bytes()), forged);
    test::check(o->done && o->result.responder != mallory.node_id,
                "the node took mallory's answer for a Resource-ID a neighbor is closer to");
    test::check(forged >= 1 && target.refused_answers() - refused_before == forged,
                fmt::format("{} forged answers, {} refused", forged, target.refused_answers() - refused_before));
    rig.others_still_served("answers to a Resource-ID from a far peer");
    std::printf("%-52s %zu refused, others served; %s\n", "answers to a Resource-ID from a far peer", forged,
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  // Section 6.6: no message larger than max-message-size leaves the node. A request that
  // large fails at once (before, it was sent and the receiver closed the link on it).
  {
    const auto usage = test::ProcessUsage::now();
    const auto links_before = target.link_count();
    std::optional<boost::system::error_code> got;
    wire::Buffer big(target.configuration().max_message_size, 0x41);
    target.request({other.self()}, wire::MessageCode::ping_req, big, [&](boost::system::result<node::Response> r) {
      got = r ? boost::system::error_code{} : r.error();
    });
    overlay.run_until([&] { return got.has_value(); }, 5s);
    test::check(got && *got == errc::message_too_large,
                fmt::format("an oversized request: {}", got ? got->message() : "no completion"));
    overlay.run_for(200ms);
    test::check(target.link_count() == links_before, "a link went down over an oversized request");
    rig.others_still_served("an oversized request");
    std::printf("%-52s Error_Message_Too_Large before sending, links kept; %s\n", "a request over max-message-size",
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  // A response larger than max_response_length becomes Error_Response_Too_Large (6.3.3.1).
  {
    const auto usage = test::ProcessUsage::now();
    test::Recorder rec;
    auto link = rig.link(mallory, rec);
    wire::ProbeReq probe{{wire::ProbeInformationType::responsible_set, wire::ProbeInformationType::num_resources,
                          wire::ProbeInformationType::uptime}};
    link->send(rig.request_message(mallory, {target.self()}, wire::MessageCode::probe_req,
                                   wire::encode_to_buffer(probe).value(), 64));
    overlay.run_until([&] { return !rec.received.empty() || rec.closed; }, 5s);
    const auto code = rig.answer_code(rec);
    test::check(code == static_cast<std::uint16_t>(errc::response_too_large),
                fmt::format("a Probe with max_response_length 64 was answered with code {}", code));
    link->close();
    overlay.run_until([&] { return rec.closed; }, 5s);
    std::printf("%-52s Error_Response_Too_Large; %s\n", "an answer over max_response_length",
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  // A handshake flood from one host: 200 TCP connections from 127.0.0.2 that never start
  // TLS. At most 8 wait for their handshake, the rest are closed at once; a peer on
  // another address still links, and everyone is still served.
  {
    const auto usage = test::ProcessUsage::now();
    const auto refused_before = target.listener()->refused();
    struct Idle {
      asio::ip::tcp::socket socket;
      std::array<char, 1> byte{};
      bool closed_by_node = false;
    };
    std::vector<std::unique_ptr<Idle>> flood;
    std::size_t connected = 0;
    for (int i = 0; i < 200; ++i) {
      auto c = std::make_unique<Idle>(Idle{asio::ip::tcp::socket(overlay.io)});
      c->socket.open(asio::ip::tcp::v4());
      c->socket.bind({asio::ip::make_address("127.0.0.2"), 0});
      auto* raw = c.get();
      c->socket.async_connect(target.listen_endpoint(), [raw, &connected](boost::system::error_code ec) {
        if (ec) return;
        ++connected;
        raw->socket.async_read_some(asio::buffer(raw->byte), [raw](boost::system::error_code e, std::size_t) {
          raw->closed_by_node = e == asio::error::eof || e == asio::error::connection_reset;
        });
      });
      flood.push_back(std::move(c));
    }
    overlay.run_until([&] { return connected == flood.size(); }, 5s);
    overlay.run_for(500ms);
    const std::size_t closed = std::count_if(flood.begin(), flood.end(), [](const auto& c) { return c->closed_by_node; });
    const auto waiting = target.listener()->handshakes() + target.listener()->silent();
    const auto usage_during = test::ProcessUsage::now();
    test::check(waiting <= 8, fmt::format("{} handshakes from one address are waiting", waiting));
    test::check(closed >= flood.size() - 8, fmt::format("only {} of {} flood connections were closed", closed, flood.size()));
    test::check(target.listener()->refused() - refused_before >= flood.size() - 8, "refusals not counted");
    test::Recorder rec;
    auto link = rig.link(mallory, rec);
    test::check(link != nullptr, "a peer on another address could not link during the flood");
    rig.others_still_served("a handshake flood from one address");
    for (auto& c : flood) c->socket.close();
    link->close();
    overlay.run_until([&] { return rec.closed; }, 5s);
    overlay.run_for(200ms);
    // The attacker's own sockets live in this process too: the node's share is the rest.
    auto nodes_share = usage_during;
    nodes_share.fds -= flood.size();
    std::printf("%-52s %zu connections: %zu closed at once, %zu waiting; others served; during (the attacker's "
                "%zu sockets not counted): %s; after: %s\n",
                "a handshake flood from one address", flood.size(), closed, waiting, flood.size(),
                test::usage_change(usage, nodes_share).c_str(),
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  // A caller that gives up: a Fetch handed to a silent peer (the node believes mallory
  // answered for that resource last) is cancelled through its cancellation slot and
  // completes at once with operation_aborted, never inside the initiating call, and once.
  {
    const auto usage = test::ProcessUsage::now();
    test::Recorder rec;  // mallory, silent
    auto link = rig.link(mallory, rec);
    overlay.run_for(100ms);
    const auto resource = wire::resource_id_of(std::string_view("held by a silent peer"));
    target.responsible_peers().learn(resource, mallory.node_id, std::chrono::steady_clock::now());
    asio::cancellation_signal cancel;
    int completions = 0;
    boost::system::error_code error;
    node::async_fetch(target, resource, {}, asio::bind_cancellation_slot(cancel.slot(), [&](auto r) {
                        ++completions;
                        if (!r) error = r.error();
                      }));
    test::check(completions == 0, "async_fetch completed inside the initiating call");
    overlay.run_until([&] { return !rec.received.empty(); }, 2s);
    test::check(!rec.received.empty(), "the Fetch did not go to the peer named for the resource");
    cancel.emit(asio::cancellation_type::terminal);
    test::check(completions == 0, "a cancelled async_fetch completed inside emit()");
    overlay.run_until([&] { return completions > 0; }, 1s);
    test::check(completions == 1 && error == asio::error::operation_aborted,
                fmt::format("a cancelled Fetch: {} completions, {}", completions, error.message()));
    overlay.run_for(4s);  // the request itself ends (asked again by Resource-ID); no second completion
    test::check(completions == 1, "a cancelled Fetch completed twice");
    link->close();
    overlay.run_until([&] { return rec.closed; }, 5s);
    std::printf("%-52s operation_aborted at once, posted, once; %s\n", "a Fetch cancelled by its caller",
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  // A stopping node completes what it still waits for, at once, with operation_aborted
  // (a caller awaiting a request used to hang forever).
  {
    const auto usage = test::ProcessUsage::now();
    auto outcome = std::make_shared<Outcome>();
    test::Recorder rec;  // mallory, silent
    auto link = rig.link(mallory, rec);
    overlay.run_for(100ms);
    test::ping(target, {mallory.node_id}, [outcome](test::PingResult r) {
      outcome->done = true;
      outcome->result = r;
    });
    overlay.run_for(200ms);
    test::check(!outcome->done && target.pending_requests() >= 1, "the Ping to a silent peer is pending");
    std::weak_ptr<node::OverlayNode> victim = overlay.nodes().front();
    overlay.crash(0);
    overlay.run_until([&] { return outcome->done; }, 1s);
    test::check(outcome->done, "a request pending when its node stopped never completed");
    test::check(outcome->result.error == asio::error::operation_aborted,
                fmt::format("expected operation_aborted, got {}", outcome->result.error.message()));
    link->close();
    overlay.run_for(500ms);
    test::check(victim.expired(), "the stopped node is still alive (something holds shared_from_this)");
    std::printf("%-52s completed with operation_aborted; the node was freed; %s\n", "a request pending at shutdown",
                test::usage_change(usage, test::ProcessUsage::now()).c_str());
  }

  overlay.leave_all();
  std::printf("OK\n");
  return 0;
}
