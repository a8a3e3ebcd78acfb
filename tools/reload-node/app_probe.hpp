// reload-node's AppAttach probe (RFC 6940 section 6.5.2), for operators who check that two
// peers reach each other directly (through NATs: which candidate pair ICE chose):
//
//   --app-echo APPLICATION     answer AppAttaches for APPLICATION with an echo of every byte
//                              (repeatable)
//   --app-attach NODE_ID       one-shot: once joined, AppAttach to NODE_ID (hex) for
//   --app APPLICATION          APPLICATION (default 5222), send --app-bytes (default 65,536)
//   --app-bytes N              and check they come back whole; prints one line with the
//                              set-up time, the candidate pair and the echo time, then leaves
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "node/overlay_node.hpp"

namespace cxxopts {
class Options;
class ParseResult;
}  // namespace cxxopts

namespace reload::tools {

struct AppProbePlan {
  std::vector<std::uint16_t> echo;
  std::optional<wire::NodeId> attach_to;
  std::uint16_t application = 5222;
  std::size_t bytes = 64 * 1024;
};

void add_app_probe_options(cxxopts::Options& options);

// The plan, or a one-line message naming the flag that is wrong. `node_id_length`: the
// overlay's, for --app-attach's NODE_ID.
boost::system::result<AppProbePlan, std::string> parse_app_probe_flags(const cxxopts::ParseResult& args,
                                                                       std::size_t node_id_length);

// Registers the echo applications; `ex` is the node's executor.
void serve_app_echo(node::OverlayNode& node, boost::asio::any_io_executor ex,
                    const std::vector<std::uint16_t>& applications);

// The one-shot AppAttach: `print` gets the result line, `done` nothing or the failure line.
void run_app_attach(node::OverlayNode& node, boost::asio::any_io_executor ex, const AppProbePlan& plan,
                    std::function<void(const std::string&)> print,
                    std::function<void(std::optional<std::string> failure)> done);

}  // namespace reload::tools
