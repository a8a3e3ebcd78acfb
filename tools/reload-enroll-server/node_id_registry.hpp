// Node-IDs the enrollment server has issued, per user, kept in a file so that none is ever
// issued twice and a returning user gets the same ones again (RFC 6940 section 11.3:
// "the enrollment server should return the same Node-IDs").
//
//   <user> <TAB> <Node-ID hex>     one line per issued Node-ID, in issue order
//
// The file lives in the CA directory (issued-node-ids) and is rewritten atomically (a
// temporary file, fsync, rename) before a Node-ID is handed out. Not thread-safe: the
// enrollment service serialises its calls.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "wire/node_id.hpp"

namespace reload::enroll {

class NodeIdRegistry {
 public:
  static boost::system::result<NodeIdRegistry, std::string> load(const std::filesystem::path& file,
                                                                 std::size_t node_id_length);

  // `count` Node-IDs for `user`: the ones issued before first, fresh random ones (OpenSSL's
  // RAND_bytes, RFC 4086 quality) for the rest. The file is rewritten before they are
  // returned, so nothing is handed out that a restart would forget.
  boost::system::result<std::vector<wire::NodeId>, std::string> assign(const std::string& user,
                                                                       std::size_t count);
  // What `user` holds so far (empty for a stranger).
  std::vector<wire::NodeId> issued_to(std::string_view user) const;
  std::size_t issued_count() const noexcept { return issued_.size(); }

 private:
  boost::system::result<void, std::string> save() const;
  void forget_after(const std::string& user, std::size_t keep);
  std::filesystem::path file_;
  std::size_t length_ = 16;
  std::map<std::string, std::vector<wire::NodeId>, std::less<>> by_user_;
  std::set<wire::NodeId> issued_;
};

}  // namespace reload::enroll
