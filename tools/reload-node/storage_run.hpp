// Carries out reload-node's one-shot storage operations on a joined node, one after another
// in command-line order (a --fetch after a --store sees what it stored), and stops at the
// first failure.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/overlay_node.hpp"
#include "storage_plan.hpp"

namespace reload::tools {

// `print` gets every result line (storage_output.hpp); `done` gets nothing when every
// operation succeeded, else one line naming the operation and the failure, with the RFC's
// error name (Error_Forbidden, Error_Request_Timeout, ...). Runs on the node's executor.
void run_storage(std::shared_ptr<node::OverlayNode> node, std::vector<StorageOperation> operations,
                 std::function<void(const std::string&)> print,
                 std::function<void(std::optional<std::string> failure)> done);

}  // namespace reload::tools
