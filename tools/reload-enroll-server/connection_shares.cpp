#include "connection_shares.hpp"

#include "source_key.hpp"

namespace reload::enroll {

std::shared_ptr<ConnectionShares> ConnectionShares::make(std::size_t total, std::size_t per_address) {
  return std::shared_ptr<ConnectionShares>(new ConnectionShares(total, per_address));
}

ConnectionShares::Slot::Slot(std::shared_ptr<ConnectionShares> owner, std::string key)
    : owner_(std::move(owner)), key_(std::move(key)) {}

ConnectionShares::Slot::~Slot() { owner_->give_back(key_); }

std::unique_ptr<ConnectionShares::Slot> ConnectionShares::take(const boost::asio::ip::address& from, Refusal& why) {
  std::string key = source_key(from);
  auto it = by_address_.find(key);
  if (it != by_address_.end() && it->second >= per_address_) {
    why = Refusal::address_full;
    return nullptr;
  }
  if (in_use_ >= total_) {
    why = Refusal::server_full;
    return nullptr;
  }
  why = Refusal::none;
  ++in_use_;
  ++by_address_[key];
  return std::make_unique<Slot>(shared_from_this(), std::move(key));
}

void ConnectionShares::give_back(const std::string& key) {
  --in_use_;
  auto it = by_address_.find(key);
  if (--it->second == 0) by_address_.erase(it);
}

}  // namespace reload::enroll
