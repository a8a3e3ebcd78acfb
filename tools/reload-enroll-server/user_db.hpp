// The enrollment server's users: a text file the operator edits, one user per line.
//
//   # a comment; blank lines are ignored too
//   NAME  PASSWORD-HASH  [XMPP-ADDRESS]
//
// Fields are separated by spaces or tabs (`--add-user` writes one tab). NAME is 1 to 64 of
// letters, digits and . _ - + and at most one '@' (not first or last): the certificate's
// rfc822Name is NAME when it holds an '@', else NAME@<instance-name>. PASSWORD-HASH is what
// `reload-enroll-server --add-user` writes (password_hash.hpp); the file never holds a
// password. XMPP-ADDRESS, when present, is a bare JID (local@domain, no resource) that goes
// into the user's certificates as id-on-xmppAddr; only its shape is checked here: preparing
// it (RFC 7622 PRECIS) is a later issue's work, so write it already prepared (lower case).
//
// The file is written with mode 0600 (the hashes are secrets too) and always atomically;
// `--add-user` appends a line and keeps everything else, comments included. A running
// server reads the file again when it changes (UserFile), so users can be added while it
// serves.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace reload::enroll {

struct User {
  std::string password_hash;
  std::optional<std::string> xmpp_address;
};

// Names: 1..64 characters of letters, digits and . _ - + and at most one '@', neither first
// nor last; no whitespace or control bytes.
bool valid_user_name(std::string_view name);
// A bare JID's shape: localpart@domainpart, each 1..1023 bytes, no resource, no whitespace
// or control bytes. Not RFC 7622 preparation.
bool valid_bare_jid(std::string_view jid);

class UserDb {
 public:
  // Parses the text of a users file; errors are "FILE:LINE: reason".
  static boost::system::result<UserDb, std::string> parse(std::string_view text, std::string_view file_name);
  // An absent file is an empty database.
  static boost::system::result<UserDb, std::string> load(const std::filesystem::path& file);

  // Appends a user to `file` (created 0600 when absent) and returns the new database. The
  // file is read again first, so a line the operator added meanwhile is kept and a duplicate
  // is refused.
  static boost::system::result<UserDb, std::string> add(const std::filesystem::path& file, const std::string& name,
                                                         std::string_view password,
                                                         std::optional<std::string> xmpp_address,
                                                         unsigned iterations = 0);  // 0: the default

  const User* find(std::string_view name) const;
  std::size_t size() const noexcept { return users_.size(); }

 private:
  std::map<std::string, User, std::less<>> users_;
};

// The users file as a running server sees it: read again when its modification time or
// size changes. A file that no longer parses is reported once and the last good database is
// kept, so an editing mistake does not lock every user out. Thread-safe.
class UserFile {
 public:
  explicit UserFile(std::filesystem::path file, std::shared_ptr<const UserDb> initial);
  static boost::system::result<UserFile, std::string> open(const std::filesystem::path& file);

  struct Snapshot {
    std::shared_ptr<const UserDb> db;
    std::optional<std::string> reload_error;  // set when a change was refused just now
  };
  Snapshot current();

 private:
  std::filesystem::path file_;
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
  std::shared_ptr<const UserDb> db_;
  std::filesystem::file_time_type mtime_{};
  std::uintmax_t size_ = 0;
  bool exists_ = false;
};

}  // namespace reload::enroll
