// Many OverlayNodes in one process, on one io_context, on loopback, with real TLS and real
// certificates from a real enrollment server (started by the Python wrapper, which also
// made the users). Shared by the in-process integration programs.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "config/enrollment_state.hpp"
#include "node/overlay_node.hpp"

namespace reload::test {

namespace asio = boost::asio;

struct RigArgs {
  std::string config_url;           // https://127.0.0.1:PORT/.well-known/reload-config
  std::filesystem::path ca_file;    // the enrollment server's CA
  std::string password;             // every user of the rig has this one
  std::filesystem::path work;       // state directories and nodes.log go here
};

// Reads CONFIG_URL CA_FILE PASSWORD WORK_DIR from argv[1..4]; exits 2 with a usage line.
RigArgs parse_rig_args(int argc, char** argv, const char* usage);

// Prints "FAIL: what" and exits 1.
[[noreturn]] void fail(const std::string& what);
void check(bool ok, const std::string& what);

// NodeOptions for ICE on loopback: host candidates on 127.0.0.1 only, checks paced at 5 ms
// (InProcessOverlay::configure = loopback_ice).
void loopback_ice(node::NodeOptions& options);

// Enrolls `user` (or loads its state directory from an earlier run) through the library's
// enrollment client.
config::NodeState enroll(const RigArgs& rig, const std::string& user);

class InProcessOverlay {
 public:
  explicit InProcessOverlay(RigArgs rig);
  ~InProcessOverlay();

  asio::io_context io{1};
  // The one ICE thread of every node (NodeOptions::ice.executor). It is stopped before `io`
  // goes: it posts to `io` while sessions end.
  std::shared_ptr<transport::IceExecutor> ice;
  // Applied to every node's options before it starts (more ICE settings, say).
  std::function<void(node::NodeOptions&)> configure;

  // Enrolls `user`, starts its node (the first creates the overlay, the others join through
  // the first) and runs the loop until it has joined.
  node::OverlayNode& add(const std::string& user, std::chrono::seconds timeout = std::chrono::seconds(30));
  // Adds peer00 .. peerNN (count of them) and runs until every node's lists match the
  // sorted ring; fails with the first mismatch after `settle`.
  void add_ring(std::size_t count, std::chrono::seconds settle);
  // Runs the loop until `done` holds (checked every 20 ms); false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Runs the loop for `d`.
  void run_for(std::chrono::milliseconds d);
  // A line in nodes.log, after the milliseconds since the overlay began.
  void log(const std::string& line);

  const std::vector<std::shared_ptr<node::OverlayNode>>& nodes() const noexcept { return nodes_; }
  // The Node-IDs of all nodes, sorted: the ring every node's lists must agree with.
  std::vector<wire::NodeId> ring() const;
  // The node responsible for `key` on the sorted ring (the first Node-ID >= key, wrapping).
  wire::NodeId responsible_for(const wire::NodeId& key) const;
  // Empty when every node's successor and predecessor lists are the nearest ones of the
  // sorted ring; otherwise the first mismatch, readable.
  std::string ring_mismatch() const;
  // Every node sends Leave and closes its links.
  void leave_all();
  // Stops node `index` as kill -9 would (no Leave, links dropped) and forgets it.
  void crash(std::size_t index);

  const RigArgs& rig() const noexcept { return rig_; }

 private:
  RigArgs rig_;
  std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now();
  std::ofstream log_;
  std::vector<std::shared_ptr<node::OverlayNode>> nodes_;
};

// What came back for a Ping: who answered and over how many overlay hops (the answer's via
// list plus its last hop; 0 when the sender answered itself), or the error.
struct PingResult {
  boost::system::error_code error;
  wire::NodeId responder;
  std::size_t hops = 0;
};
void ping(node::OverlayNode& from, wire::DestinationList to, std::function<void(PingResult)> done);

}  // namespace reload::test
