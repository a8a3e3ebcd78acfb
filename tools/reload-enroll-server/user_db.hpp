// The enrollment server's users: a text file the operator edits.
//
//   # comment
//   <name> <TAB> <password hash> [<TAB> <xmpp address>]
//
// The password hash is what `reload-enroll-server --add-user` writes (password_hash.hpp).
// The XMPP address is a bare JID (local@domain) that goes into the certificate's
// id-on-xmppAddr; it must already be in its prepared (RFC 7622) form, since this server
// does not prepare JIDs yet.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <boost/system/result.hpp>

namespace reload::enroll {

struct User {
  std::string password_hash;
  std::optional<std::string> xmpp_address;
};

// Names: 1..64 characters of letters, digits and . _ - @ +; no whitespace or control bytes.
bool valid_user_name(std::string_view name);
// A bare JID's shape: localpart@domainpart, no resource, no whitespace.
bool valid_bare_jid(std::string_view jid);

class UserDb {
 public:
  // An absent file is an empty database. Errors name the file and line.
  static boost::system::result<UserDb, std::string> load(const std::filesystem::path& file);

  const User* find(std::string_view name) const;
  // Adds a user and rewrites the file atomically; refuses a duplicate or a bad name.
  boost::system::result<void, std::string> add(const std::string& name, std::string_view password,
                                               std::optional<std::string> xmpp_address);
  std::size_t size() const noexcept { return users_.size(); }

 private:
  std::filesystem::path file_;
  std::map<std::string, User, std::less<>> users_;
};

}  // namespace reload::enroll
