#include "node_id_registry.hpp"

#include <algorithm>
#include <array>
#include <fstream>

#include <fmt/format.h>
#include <openssl/rand.h>

#include "crypto/atomic_file.hpp"

namespace reload::enroll {

boost::system::result<NodeIdRegistry, std::string> NodeIdRegistry::load(const std::filesystem::path& file,
                                                                         std::size_t node_id_length) {
  NodeIdRegistry r;
  r.file_ = file;
  r.length_ = node_id_length;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return r;  // nothing issued yet
  // A registry that cannot be read must stop the server: starting empty would hand out
  // Node-IDs again.
  std::ifstream in(file);
  if (!in) return fmt::format("{}: cannot be read", file.string());
  std::string line;
  for (unsigned n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line.front() == '#') continue;
    auto tab = line.find('\t');
    auto id = tab == std::string::npos || tab == 0 ? std::nullopt : wire::NodeId::from_hex(line.substr(tab + 1));
    if (!id || id->size() != node_id_length)
      return fmt::format("{}:{}: expected USER<TAB>NODE-ID of {} bytes", file.string(), n, node_id_length);
    if (!r.issued_.insert(*id).second) return fmt::format("{}:{}: Node-ID issued twice", file.string(), n);
    r.by_user_[line.substr(0, tab)].push_back(*id);
  }
  return r;
}

boost::system::result<std::vector<wire::NodeId>, std::string> NodeIdRegistry::assign(const std::string& user,
                                                                                     std::size_t count) {
  auto& mine = by_user_[user];
  const std::size_t had = mine.size();
  while (mine.size() < count) {
    std::array<std::uint8_t, wire::NodeId::max_size> b{};
    if (RAND_bytes(b.data(), static_cast<int>(length_)) != 1) {
      forget_after(user, had);
      return std::string("no random bytes from OpenSSL");
    }
    wire::NodeId id(wire::Bytes(b.data(), length_));
    // Never the wildcard (all ones) nor all zeros; never one issued before, to anyone.
    bool zero = std::all_of(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(length_), [](auto x) { return x == 0; });
    if (id.is_wildcard() || zero || !issued_.insert(id).second) continue;
    mine.push_back(id);
  }
  if (mine.size() > had) {
    // Written before anything is handed out, so a restart never forgets an issued Node-ID.
    if (auto saved = save(); !saved) {
      forget_after(user, had);
      return saved.error();
    }
  }
  return std::vector<wire::NodeId>(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(count));
}

std::vector<wire::NodeId> NodeIdRegistry::issued_to(std::string_view user) const {
  auto it = by_user_.find(user);
  return it == by_user_.end() ? std::vector<wire::NodeId>{} : it->second;
}

void NodeIdRegistry::forget_after(const std::string& user, std::size_t keep) {
  auto& mine = by_user_[user];
  for (std::size_t i = keep; i < mine.size(); ++i) issued_.erase(mine[i]);
  mine.resize(keep);
  if (mine.empty()) by_user_.erase(user);
}

boost::system::result<void, std::string> NodeIdRegistry::save() const {
  std::string text = "# Node-IDs issued by reload-enroll-server: USER<TAB>NODE-ID. Do not edit while it runs.\n";
  for (const auto& [user, ids] : by_user_)
    for (const auto& id : ids) text += user + '\t' + id.hex() + '\n';
  if (auto ec = crypto::write_file_atomically(file_, text, 0644))
    return fmt::format("{}: cannot be written: {}", file_.string(), ec.message());
  return {};
}

}  // namespace reload::enroll
