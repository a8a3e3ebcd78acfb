#include "node_id_registry.hpp"

#include <fstream>

#include <fmt/format.h>
#include <openssl/rand.h>

namespace reload::enroll {

boost::system::result<NodeIdRegistry, std::string> NodeIdRegistry::load(const std::filesystem::path& file,
                                                                         std::size_t node_id_length) {
  NodeIdRegistry r;
  r.file_ = file;
  r.length_ = node_id_length;
  std::ifstream in(file);
  std::string line;
  for (unsigned n = 1; in && std::getline(in, line); ++n) {
    if (line.empty() || line.front() == '#') continue;
    auto tab = line.find('\t');
    auto id = tab == std::string::npos ? std::nullopt : wire::NodeId::from_hex(line.substr(tab + 1));
    if (!id || id->size() != node_id_length) return fmt::format("{}:{}: expected USER<TAB>NODE-ID", file.string(), n);
    if (!r.issued_.insert(*id).second) return fmt::format("{}:{}: Node-ID issued twice", file.string(), n);
    r.by_user_[line.substr(0, tab)].push_back(*id);
  }
  return r;
}

boost::system::result<std::vector<wire::NodeId>, std::string> NodeIdRegistry::assign(const std::string& user,
                                                                                     std::size_t count) {
  auto& mine = by_user_[user];
  bool grew = false;
  while (mine.size() < count) {
    std::array<std::uint8_t, wire::NodeId::max_size> b{};
    if (RAND_bytes(b.data(), static_cast<int>(length_)) != 1) return std::string("no random bytes from OpenSSL");
    wire::NodeId id(wire::Bytes(b.data(), length_));
    if (id.is_wildcard() || !issued_.insert(id).second) continue;
    mine.push_back(id);
    grew = true;
  }
  if (grew)
    if (auto saved = save(); !saved) return saved.error();
  return std::vector<wire::NodeId>(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(count));
}

boost::system::result<void, std::string> NodeIdRegistry::save() const {
  auto tmp = file_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# Node-IDs issued by reload-enroll-server: USER<TAB>NODE-ID\n";
    for (const auto& [user, ids] : by_user_)
      for (const auto& id : ids) out << user << '\t' << id.hex() << '\n';
    if (!out) return fmt::format("{}: cannot be written", file_.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec) return fmt::format("{}: {}", file_.string(), ec.message());
  return {};
}

}  // namespace reload::enroll
