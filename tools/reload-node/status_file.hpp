// A one-line summary of the node, rewritten when it changes: what tools/run-demo and test
// rigs read to print the ring without a control API.
//
//   node <id> state <joining|joined|...> pred <id|-> succ <id|-> links <n> listen <addr:port>
#pragma once

#include <filesystem>
#include <string>

#include "node/overlay_node.hpp"

namespace reload::tools {

class StatusFile {
 public:
  StatusFile(std::filesystem::path path, const node::OverlayNode& node) : path_(std::move(path)), node_(node) {}
  void write();          // only when the line changed
  void write_stopped();

 private:
  void put(const std::string& line);
  std::filesystem::path path_;
  const node::OverlayNode& node_;
  std::string last_;
};

}  // namespace reload::tools
