#include "usage/location_keeper.hpp"

#include "node/storage_client.hpp"
#include "usage/location_records.hpp"

namespace reload::usage {

using boost::system::error_code;

namespace {
constexpr std::chrono::seconds longest_backoff{60};
}

LocationKeeper::LocationKeeper(std::shared_ptr<node::OverlayNode> node, const xmpp::Jid& user,
                               LocationOptions options)
    : node_(std::move(node)),
      resource_(xmpp::location_resource_id(user.bare())),
      options_(options),
      timer_(node_->executor()) {}

void LocationKeeper::start(Outcome stored) {
  stored_ = std::move(stored);
  schedule(std::chrono::steady_clock::duration::zero());
}

void LocationKeeper::stop(Outcome done) {
  stopped_ = true;
  timer_.cancel();
  store(false, std::move(done));
}

void LocationKeeper::abandon() {
  stopped_ = true;
  timer_.cancel();
}

void LocationKeeper::schedule(std::chrono::steady_clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([weak = weak_from_this()](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    self->store(true, [self](error_code e) {
      if (self->stopped_) return;
      if (e) {
        self->schedule(self->backoff_);
        self->backoff_ = std::min(self->backoff_ * 2, longest_backoff);
      } else {
        self->backoff_ = std::chrono::seconds(1);
        self->schedule(std::min<std::chrono::seconds>(self->options_.lifetime * 2 / 3, self->options_.refresh));
      }
      if (self->stored_) self->stored_(e);
    });
  });
}

void LocationKeeper::store(bool exists, Outcome done) {
  wire::Buffer storage;
  const auto& self_id = node_->self();
  auto entry = exists ? own_location_entry(self_id, options_.priority, storage) : removed_location_entry(self_id, storage);
  ++stores_;
  // store() encodes and signs the value before it returns, so `storage` may go with this frame.
  node::store(*node_, resource_, wire::kinds::xmpp_location, {wire::StoredDataValue(entry)}, options_.lifetime,
              [self = shared_from_this(), exists, done = std::move(done)](boost::system::result<node::StoreResult> r) {
                if (r) self->published_ = exists;
                if (done) done(r ? error_code{} : r.error());
              });
}

}  // namespace reload::usage
