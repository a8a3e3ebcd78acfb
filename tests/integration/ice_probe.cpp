// One side of an ICE session for nat_rig_test.py: an IceAgent (non-reliable) with the rig's
// STUN and TURN servers, its offer (credentials and RFC 6940-encoded candidates) printed on
// stdout, the peer's read from stdin (the test relays them), then the checks, and a datagram
// each way over the chosen pair.
//
//   ice_probe controlling|controlled STUN_IP:PORT|- [TURN_IP:PORT USER PASSWORD]
//
// "-" for no STUN server (a TURN allocation yields the server-reflexive candidate too).
//
// stdout: "OFFER ufrag password hex,hex,...", then "READY local=TYPE remote=TYPE", then
// "GOT <text>"; exits 0, or 1 with a line on stderr when ICE fails or time runs out (20 s).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>

#include "transport/glib_loop.hpp"
#include "transport/ice_agent.hpp"
#include "transport/ice_candidates.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::transport;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "ice_probe: %s\n", why.c_str());
  std::exit(1);
}

asio::ip::udp::endpoint endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) die("want IP:PORT, not " + text);
  return {asio::ip::make_address(text.substr(0, colon)), static_cast<unsigned short>(std::stoi(text.substr(colon + 1)))};
}

std::string token(std::size_t n) {
  static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device rd;
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += letters[rd() % 62];
  return s;
}

template <class Done>
void run_until(asio::io_context& io, Done done, Clock::time_point give_up, const char* what) {
  while (!done()) {
    if (Clock::now() > give_up) die(std::string("timed out ") + what);
    io.restart();
    io.run_for(5ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 6) die("usage: ice_probe controlling|controlled STUN_IP:PORT|- [TURN_IP:PORT USER PASSWORD]");
  const bool controlling = std::string(argv[1]) == "controlling";
  const auto give_up = Clock::now() + 20s;
  IceAgentOptions options;
  options.controlling = controlling;
  if (std::string(argv[2]) != "-") options.stun = IceServer{endpoint(argv[2]), {}, {}};
  if (argc == 6) options.turn = IceServer{endpoint(argv[3]), argv[4], argv[5]};
  const IceCredentials mine{token(8), token(24)};

  asio::io_context io;
  GlibLoop loop(io.get_executor());
  std::shared_ptr<IceAgent> agent;
  std::optional<IceCandidateList> gathered;
  loop.post([&] {
    boost::system::error_code ec;
    agent = IceAgent::create(loop, options, mine, ec);
    if (!agent) die("libnice refused the agent: " + ec.message());
    agent->gather([&](boost::system::error_code e, IceCandidateList list) {
      if (e) die("no candidates: " + e.message());
      gathered = std::move(list);
    });
  });
  const auto began = Clock::now();
  auto since = [&] { return std::chrono::duration<double, std::milli>(Clock::now() - began).count(); };
  run_until(io, [&] { return gathered.has_value(); }, give_up, "gathering");
  std::fprintf(stderr, "ice_probe: gathered in %.0f ms\n", since());

  for (const auto& c : gathered->candidates)
    std::fprintf(stderr, "ice_probe: candidate %s %s%s\n", wire::cand_type_name(c.type), wire::to_string(c.addr_port).c_str(),
                 c.rel_addr_port ? (" from " + wire::to_string(*c.rel_addr_port)).c_str() : "");
  std::string offer = "OFFER " + mine.ufrag + " " + mine.password + " ";
  for (std::size_t i = 0; i < gathered->candidates.size(); ++i)
    offer += (i ? "," : "") + wire::to_hex(wire::encode_to_buffer(gathered->candidates[i]).value());
  std::cout << offer << std::endl;

  std::string line;
  if (!std::getline(std::cin, line)) die("no offer from the peer");
  std::istringstream in(line);
  std::string word, hex_list;
  IceCredentials theirs;
  in >> word >> theirs.ufrag >> theirs.password >> hex_list;
  if (word != "OFFER") die("not an offer: " + line);
  std::vector<wire::Buffer> encoded;
  std::vector<wire::IceCandidate> candidates;
  for (std::istringstream list(hex_list); std::getline(list, word, ',');) {
    if (!wire::from_hex(word, encoded.emplace_back())) die("bad candidate " + word);
  }
  for (const auto& b : encoded) candidates.push_back(wire::decode_exact<wire::IceCandidate>(b, {}).value());

  std::vector<std::string> received;
  loop.post([&] {
    agent->on_receive([&](const std::vector<std::uint8_t>& d) { received.emplace_back(d.begin(), d.end()); });
    if (!agent->set_remote(theirs, candidates)) die("the peer's candidates were refused");
  });
  run_until(io, [&] { return agent->state() == IceState::connected || agent->state() == IceState::ready ||
                             agent->state() == IceState::failed; },
            give_up, "connecting");
  std::fprintf(stderr, "ice_probe: %s %.0f ms after the start\n", to_string(agent->state()), since());
  run_until(io, [&] { return agent->state() == IceState::ready || agent->state() == IceState::failed; },
            give_up, "completing the checks");
  if (agent->state() == IceState::failed) die("ICE failed");
  run_until(io, [&] { return agent->selected_pair().has_value(); }, give_up, "waiting for the selected pair");
  std::fprintf(stderr, "ice_probe: ready %.0f ms after the start\n", since());
  std::cout << "READY local=" << wire::cand_type_name(agent->selected_pair()->local)
            << " remote=" << wire::cand_type_name(agent->selected_pair()->remote) << std::endl;

  const std::string hello = std::string("hello from the ") + (controlling ? "controlling" : "controlled") + " side";
  auto next_send = Clock::now();
  std::optional<Clock::time_point> linger_until;
  while (!linger_until || Clock::now() < *linger_until) {
    if (Clock::now() > give_up) die("timed out waiting for the peer's datagram");
    if (Clock::now() >= next_send) {  // datagrams may be lost: say it again until heard
      boost::system::error_code ec;
      agent->send(wire::as_bytes(hello), ec);
      next_send = Clock::now() + 100ms;
    }
    if (!received.empty() && !linger_until) {
      std::cout << "GOT " << received.front() << std::endl;
      linger_until = Clock::now() + 500ms;  // keep answering so the peer hears us too
    }
    io.restart();
    io.run_for(5ms);
  }
  loop.post([&] { agent.reset(); });
  io.restart();
  io.run_for(50ms);
  return 0;
}
