#include "user_db.hpp"

#include <fstream>

#include <fmt/format.h>

#include "password_hash.hpp"

namespace reload::enroll {

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '+')) return false;
  return true;
}

bool valid_bare_jid(std::string_view jid) {
  auto at = jid.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == jid.size()) return false;
  if (jid.find('@', at + 1) != std::string_view::npos || jid.find('/') != std::string_view::npos) return false;
  for (unsigned char c : jid)
    if (c <= ' ' || c == 0x7f) return false;
  return jid.size() <= 3071;  // RFC 7622: each part at most 1023 bytes
}

boost::system::result<UserDb, std::string> UserDb::load(const std::filesystem::path& file) {
  UserDb db;
  db.file_ = file;
  std::ifstream in(file);
  if (!in) {
    if (std::filesystem::exists(file)) return fmt::format("{}: cannot be read", file.string());
    return db;
  }
  std::string line;
  for (unsigned n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    for (;;) {
      auto tab = line.find('\t', start);
      f.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (f.size() < 2 || f.size() > 3) return fmt::format("{}:{}: expected NAME<TAB>HASH[<TAB>JID]", file.string(), n);
    if (!valid_user_name(f[0])) return fmt::format("{}:{}: bad user name '{}'", file.string(), n, f[0]);
    if (!is_password_hash(f[1])) return fmt::format("{}:{}: not a pbkdf2-sha256 password hash", file.string(), n);
    if (f.size() == 3 && !valid_bare_jid(f[2])) return fmt::format("{}:{}: '{}' is not a bare JID", file.string(), n, f[2]);
    User u{f[1], f.size() == 3 ? std::optional<std::string>(f[2]) : std::nullopt};
    if (!db.users_.emplace(f[0], std::move(u)).second)
      return fmt::format("{}:{}: user '{}' appears twice", file.string(), n, f[0]);
  }
  return db;
}

const User* UserDb::find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

boost::system::result<void, std::string> UserDb::add(const std::string& name, std::string_view password,
                                                     std::optional<std::string> xmpp_address) {
  if (!valid_user_name(name)) return fmt::format("bad user name '{}'", name);
  if (password.empty()) return std::string("the password is empty");
  if (xmpp_address && !valid_bare_jid(*xmpp_address)) return fmt::format("'{}' is not a bare JID", *xmpp_address);
  if (users_.contains(name)) return fmt::format("user '{}' exists already", name);
  users_.emplace(name, User{hash_password(password), std::move(xmpp_address)});
  auto tmp = file_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# reload-enroll-server users: NAME<TAB>PASSWORD-HASH[<TAB>XMPP-ADDRESS]\n";
    for (const auto& [n, u] : users_) {
      out << n << '\t' << u.password_hash;
      if (u.xmpp_address) out << '\t' << *u.xmpp_address;
      out << '\n';
    }
    if (!out) return fmt::format("{}: cannot be written", file_.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec) return fmt::format("{}: {}", file_.string(), ec.message());
  return {};
}

}  // namespace reload::enroll
