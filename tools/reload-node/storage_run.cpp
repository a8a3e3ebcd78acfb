#include "storage_run.hpp"

#include <fmt/format.h>

#include <reload/errors.hpp>

#include "node/storage_client.hpp"
#include "storage_output.hpp"

namespace reload::tools {

namespace {

// What the Kind's access control lets this node write: the likely reason for Error_Forbidden.
std::string_view where_writable(config::AccessControl a) {
  switch (a) {
    case config::AccessControl::user_match: return "only at the hash of its user name (KIND@user)";
    case config::AccessControl::node_match: return "only at the hash of its Node-ID (KIND@node)";
    case config::AccessControl::user_node_match:
      return "only at the hash of its user name (KIND@user) with its Node-ID as --key";
    case config::AccessControl::node_multiple: return "only at KIND@node-multiple:I";
  }
  return "elsewhere";
}

std::string failure_text(const StorageOperation& op, boost::system::error_code ec) {
  const auto where = fmt::format("{} (Resource-ID {})", op.as_written, op.resource.hex());
  if (ec.category() != reload_category()) return fmt::format("{}: {}", where, ec.message());
  // The reload category's message is the RFC's name of the code.
  if (ec == errc::forbidden && op.action == StorageCommand::Action::store)
    return fmt::format("{}: refused with {}: {} is {}, so this node may write {}", where, ec.message(),
                       op.kind_label, config::access_control_name(op.access), where_writable(op.access));
  if (ec == errc::request_timeout) return fmt::format("{}: no answer: {}", where, ec.message());
  return fmt::format("{}: refused with {}", where, ec.message());
}

// The operations and where the run is; shared by the callbacks of one run.
struct Run : std::enable_shared_from_this<Run> {
  std::shared_ptr<node::OverlayNode> node;
  std::vector<StorageOperation> operations;
  std::function<void(const std::string&)> print;
  std::function<void(std::optional<std::string>)> done;
  std::size_t next = 0;

  void step() {
    if (next == operations.size()) return done(std::nullopt);
    const StorageOperation& op = operations[next++];
    auto self = shared_from_this();
    if (op.action == StorageCommand::Action::store) {
      node::store(*node, op.resource, op.kind, {op.stored_value()}, op.lifetime,
                  [self, &op](boost::system::result<node::StoreResult> r) {
                    if (!r) return self->done(failure_text(op, r.error()));
                    auto line = store_line(op, *r);
                    if (!line)
                      return self->done(fmt::format("{}: the StoreAns does not mention Kind {}", op.as_written,
                                                    op.kind_label));
                    self->print(*line);
                    self->step();
                  });
    } else {
      node::fetch(*node, op.resource, {op.fetch_everything()},
                  [self, &op](boost::system::result<node::FetchResult> r) {
                    if (!r) return self->done(failure_text(op, r.error()));
                    for (const auto& line : fetch_lines(op, r->answer)) self->print(line);
                    // Section 7.4.2.2: the application hears of a partial answer.
                    if (r->discarded)
                      self->print(fmt::format("{} {} discarded {} value(s) whose signatures did not verify",
                                              op.kind_label, op.resource.hex(), r->discarded));
                    self->step();
                  });
    }
  }
};

}  // namespace

void run_storage(std::shared_ptr<node::OverlayNode> node, std::vector<StorageOperation> operations,
                 std::function<void(const std::string&)> print,
                 std::function<void(std::optional<std::string> failure)> done) {
  auto run = std::make_shared<Run>();
  run->node = std::move(node);
  run->operations = std::move(operations);
  run->print = std::move(print);
  run->done = std::move(done);
  run->step();
}

}  // namespace reload::tools
