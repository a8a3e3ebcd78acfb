// The server's connection slots: at most `total` connections at once, and at most
// `per_address` of them from one client (source_key.hpp), so that one client holding idle or
// trickling connections cannot lock every other client out (issue 14). A Slot is the share
// one connection holds; it gives it back when destroyed, which may be after the server has
// stopped (connections end on their own), hence the shared ownership.
//
// Not thread-safe: used on the server's I/O thread only.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/ip/address.hpp>

namespace reload::enroll {

class ConnectionShares : public std::enable_shared_from_this<ConnectionShares> {
 public:
  enum class Refusal { none, address_full, server_full };

  class Slot {
   public:
    Slot(std::shared_ptr<ConnectionShares> owner, std::string key);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    std::shared_ptr<ConnectionShares> owner_;
    std::string key_;
  };

  static std::shared_ptr<ConnectionShares> make(std::size_t total, std::size_t per_address);

  // A slot for a connection from `from`, or null and why not.
  std::unique_ptr<Slot> take(const boost::asio::ip::address& from, Refusal& why);

  std::size_t in_use() const noexcept { return in_use_; }
  std::size_t total() const noexcept { return total_; }
  std::size_t per_address() const noexcept { return per_address_; }

 private:
  ConnectionShares(std::size_t total, std::size_t per_address) : total_(total), per_address_(per_address) {}
  void give_back(const std::string& key);

  std::size_t total_, per_address_;
  std::size_t in_use_ = 0;
  std::map<std::string, std::size_t> by_address_;  // no entry at zero: as large as in_use_ at most
};

}  // namespace reload::enroll
