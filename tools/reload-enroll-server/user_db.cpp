#include "user_db.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "crypto/atomic_file.hpp"
#include "password_hash.hpp"

namespace reload::enroll {

namespace fs = std::filesystem;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_control_or_space(unsigned char c) { return c <= ' ' || c == 0x7f; }

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// A file's text, and whether it exists (two members: a result<FileText, std::string> built
// from a string is then unambiguously an error).
struct FileText {
  bool exists;
  std::string text;
};

boost::system::result<FileText, std::string> read_text(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return FileText{false, {}};
  std::ifstream in(file, std::ios::binary);
  if (!in) return fmt::format("{}: cannot be read", file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return FileText{true, s.str()};
}

}  // namespace

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
              c == '-' || c == '@' || c == '+';
    if (!ok) return false;
  }
  auto at = name.find('@');
  if (at == std::string_view::npos) return true;
  return at != 0 && at + 1 != name.size() && name.find('@', at + 1) == std::string_view::npos;
}

bool valid_bare_jid(std::string_view jid) {
  auto at = jid.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == jid.size()) return false;
  if (jid.find('@', at + 1) != std::string_view::npos || jid.find('/') != std::string_view::npos) return false;
  for (char c : jid)
    if (is_control_or_space(static_cast<unsigned char>(c))) return false;
  return at <= 1023 && jid.size() - at - 1 <= 1023;  // RFC 7622: each part at most 1023 bytes
}

boost::system::result<UserDb, std::string> UserDb::parse(std::string_view text, std::string_view file_name) {
  UserDb db;
  unsigned n = 0;
  while (!text.empty()) {
    ++n;
    std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto f = fields(line);
    if (f.empty() || f[0].front() == '#') continue;
    auto where = [&] { return fmt::format("{}:{}: ", file_name, n); };
    for (char c : line)
      if (static_cast<unsigned char>(c) < ' ' && c != '\t') return where() + "control character in the line";
    if (f.size() < 2 || f.size() > 3) return where() + "expected NAME PASSWORD-HASH [XMPP-ADDRESS]";
    if (!valid_user_name(f[0])) return where() + fmt::format("'{}' is not a valid user name", f[0]);
    if (!is_password_hash(f[1]))
      return where() + fmt::format("not a pbkdf2-sha256 password hash of {} to {} iterations (use --add-user)",
                                   min_iterations, max_iterations);
    if (f.size() == 3 && !valid_bare_jid(f[2])) return where() + fmt::format("'{}' is not a bare JID", f[2]);
    User u{std::string(f[1]), f.size() == 3 ? std::optional<std::string>(f[2]) : std::nullopt};
    if (!db.users_.emplace(std::string(f[0]), std::move(u)).second)
      return where() + fmt::format("user '{}' appears twice", f[0]);
  }
  return db;
}

boost::system::result<UserDb, std::string> UserDb::load(const fs::path& file) {
  auto text = read_text(file);
  if (!text) return text.error();
  if (!text->exists) return UserDb{};
  return parse(text->text, file.string());
}

boost::system::result<UserDb, std::string> UserDb::add(const fs::path& file, const std::string& name,
                                                       std::string_view password,
                                                       std::optional<std::string> xmpp_address, unsigned iterations) {
  if (!valid_user_name(name)) return fmt::format("'{}' is not a valid user name", name);
  if (password.empty()) return std::string("the password is empty");
  if (xmpp_address && !valid_bare_jid(*xmpp_address)) return fmt::format("'{}' is not a bare JID", *xmpp_address);
  auto text = read_text(file);
  if (!text) return text.error();
  std::string content =
      text->exists ? std::move(text->text) : "# reload-enroll-server users: NAME PASSWORD-HASH [XMPP-ADDRESS]\n";
  auto db = parse(content, file.string());
  if (!db) return db.error();
  if (db->find(name)) return fmt::format("user '{}' exists already", name);
  std::string hash = hash_password(password, iterations ? iterations : default_iterations);
  if (hash.empty()) return std::string("OpenSSL could not hash the password");
  if (!content.empty() && content.back() != '\n') content += '\n';
  content += name + '\t' + hash;
  if (xmpp_address) content += '\t' + *xmpp_address;
  content += '\n';
  auto updated = parse(content, file.string());
  if (!updated) return updated.error();
  if (auto ec = crypto::write_file_atomically(file, content, 0600))
    return fmt::format("{}: cannot be written: {}", file.string(), ec.message());
  return updated;
}

const User* UserDb::find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

UserFile::UserFile(fs::path file, std::shared_ptr<const UserDb> initial)
    : file_(std::move(file)), db_(std::move(initial)) {
  std::error_code ec;
  exists_ = fs::exists(file_, ec);
  if (exists_) {
    mtime_ = fs::last_write_time(file_, ec);
    size_ = fs::file_size(file_, ec);
  }
}

boost::system::result<UserFile, std::string> UserFile::open(const fs::path& file) {
  auto db = UserDb::load(file);
  if (!db) return db.error();
  return UserFile(file, std::make_shared<const UserDb>(std::move(*db)));
}

UserFile::Snapshot UserFile::current() {
  std::lock_guard lock(*mutex_);
  std::error_code ec;
  bool exists = fs::exists(file_, ec);
  fs::file_time_type mtime{};
  std::uintmax_t size = 0;
  if (exists) {
    mtime = fs::last_write_time(file_, ec);
    size = fs::file_size(file_, ec);
  }
  if (exists == exists_ && mtime == mtime_ && size == size_) return {db_, std::nullopt};
  exists_ = exists;
  mtime_ = mtime;
  size_ = size;
  auto db = UserDb::load(file_);
  if (!db) return {db_, db.error()};
  db_ = std::make_shared<const UserDb>(std::move(*db));
  return {db_, std::nullopt};
}

}  // namespace reload::enroll
