#include "overlay_harness.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "config/enrollment_client.hpp"
#include "transport/ice_executor.hpp"
#include "wire/codec.hpp"
#include "wire/ping.hpp"

namespace reload::test {

using wire::NodeId;

namespace {
std::string short_id(const NodeId& id) { return id.hex().substr(0, 8); }
std::string short_ids(const std::vector<NodeId>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ",") + short_id(id);
  return "[" + s + "]";
}
}  // namespace

RigArgs parse_rig_args(int argc, char** argv, const char* usage) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s\n", usage);
    std::exit(2);
  }
  return RigArgs{argv[1], argv[2], argv[3], argv[4]};
}

void fail(const std::string& what) {
  std::printf("FAIL: %s\n", what.c_str());
  std::fflush(stdout);
  std::exit(1);
}

void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

config::NodeState enroll(const RigArgs& rig, const std::string& user) {
  config::EnrollmentRequest req;
  req.config_url = rig.config_url;
  req.ca_file = rig.ca_file;
  req.username = user;
  req.password = rig.password;
  req.state_dir = rig.work / user;
  auto st = config::enroll(req);
  if (!st) fail(fmt::format("enrolling {}: {}", user, st.error()));
  return std::move(*st);
}

InProcessOverlay::InProcessOverlay(RigArgs rig)
    : ice(std::make_shared<transport::IceExecutor>()), rig_(std::move(rig)), log_(rig_.work / "nodes.log") {}

InProcessOverlay::~InProcessOverlay() {
  // Nodes hold links that hold the nodes' handlers: close everything before the loop dies.
  for (auto& n : nodes_) n->leave([] {}, std::chrono::milliseconds(0));
  io.run_for(std::chrono::milliseconds(200));
  ice->stop();
}

void loopback_ice(node::NodeOptions& options) {
  options.ice.local_addresses = {asio::ip::make_address("127.0.0.1")};
  options.ice.stun_pacing = std::chrono::milliseconds(5);
}

void InProcessOverlay::log(const std::string& line) {
  // Milliseconds since the overlay began, so that a log tells how long things took.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began_);
  // Flushed: a failing test exits without unwinding, and the last lines tell why.
  log_ << fmt::format("{:>7} ", ms.count()) << line << std::endl;
}

node::OverlayNode& InProcessOverlay::add(const std::string& user, std::chrono::seconds timeout) {
  auto st = enroll(rig_, user);
  node::NodeOptions options{st.configuration.config,
                            {st.key, st.certificate},
                            st.node_ids.front(),
                            asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
                            {},
                            0x5eed0000u + nodes_.size(),
                            [this](const std::string& line) { log(line); },
                            {},
                            {}};
  if (!nodes_.empty()) options.bootstrap.push_back(nodes_.front()->listen_endpoint());
  options.ice.executor = ice;
  if (configure) configure(options);
  auto made = node::OverlayNode::create(io.get_executor(), std::move(options));
  if (!made) fail(fmt::format("creating {}: {}", user, made.error().message()));
  auto node = *made;
  if (auto ec = node->start(nodes_.empty())) fail(fmt::format("starting {}: {}", user, ec.message()));
  nodes_.push_back(node);
  if (!run_until([&] { return node->chord().state() == topology::Chord::State::joined; }, timeout))
    fail(fmt::format("{} ({}) did not join within {} s", user, node->self().hex().substr(0, 8), timeout.count()));
  return *node;
}

void InProcessOverlay::add_ring(std::size_t count, std::chrono::seconds settle) {
  for (std::size_t i = 0; i < count; ++i) add(fmt::format("peer{:02}", i));
  if (!run_until([&] { return ring_mismatch().empty(); }, settle))
    fail(fmt::format("a ring of {} did not settle within {} s: {}", count, settle.count(), ring_mismatch()));
}

bool InProcessOverlay::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    io.run_for(std::chrono::milliseconds(20));
  }
  return true;
}

void InProcessOverlay::run_for(std::chrono::milliseconds d) { io.run_for(d); }

std::vector<NodeId> InProcessOverlay::ring() const {
  std::vector<NodeId> ids;
  for (const auto& n : nodes_) ids.push_back(n->self());
  std::sort(ids.begin(), ids.end());
  return ids;
}

NodeId InProcessOverlay::responsible_for(const NodeId& key) const {
  const auto ids = ring();
  auto it = std::lower_bound(ids.begin(), ids.end(), key);
  return it == ids.end() ? ids.front() : *it;
}

std::string InProcessOverlay::ring_mismatch() const {
  const auto ids = ring();
  const std::size_t n = ids.size();
  for (const auto& node : nodes_) {
    const auto k = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), node->self()) - ids.begin());
    const auto& table = node->chord().neighbors();
    std::vector<NodeId> succ, pred;
    for (std::size_t i = 1; i <= std::min<std::size_t>(3, n - 1); ++i) {
      succ.push_back(ids[(k + i) % n]);
      pred.push_back(ids[(k + n - i) % n]);
    }
    if (node->chord().state() != topology::Chord::State::joined)
      return fmt::format("{} is not joined", short_id(node->self()));
    if (table.successors() != succ)
      return fmt::format("{}: successors {}, the ring's {}", short_id(node->self()), short_ids(table.successors()),
                         short_ids(succ));
    if (table.predecessors() != pred)
      return fmt::format("{}: predecessors {}, the ring's {}", short_id(node->self()),
                         short_ids(table.predecessors()), short_ids(pred));
  }
  return {};
}

void InProcessOverlay::leave_all() {
  auto remaining = std::make_shared<std::size_t>(nodes_.size());
  for (auto& n : nodes_) n->leave([remaining] { --*remaining; }, std::chrono::seconds(2));
  run_until([&] { return *remaining == 0; }, std::chrono::seconds(5));
  nodes_.clear();
}

void InProcessOverlay::crash(std::size_t index) {
  nodes_[index]->crash();
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(index));
}

void ping(node::OverlayNode& from, wire::DestinationList to, std::function<void(PingResult)> done) {
  auto body = wire::encode_to_buffer(wire::PingReq{}).value();
  from.request(std::move(to), wire::MessageCode::ping_req, body,
               [self = from.self(), done = std::move(done)](boost::system::result<node::Response> r) {
                 PingResult p;
                 if (!r) {
                   p.error = r.error();
                 } else {
                   p.responder = r->sender;
                   p.hops = r->sender == self ? 0 : r->message->header.via_list.size() + 1;
                 }
                 done(p);
               });
}

}  // namespace reload::test
