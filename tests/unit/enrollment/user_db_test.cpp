#include "user_db.hpp"

#include <fstream>

#include <doctest/doctest.h>

#include "password_hash.hpp"

using namespace reload::enroll;
namespace fs = std::filesystem;

namespace {
fs::path temp_file(const char* name) {
  auto p = fs::temp_directory_path() / name;
  fs::remove(p);
  return p;
}
}  // namespace

TEST_CASE("users are added, written and read back") {
  auto file = temp_file("reload-users-test");
  auto loaded = UserDb::load(file);
  REQUIRE(loaded.has_value());
  auto& db = *loaded;
  CHECK(db.size() == 0);
  REQUIRE(db.add("alice", "secret", std::string("alice@example.org")).has_value());
  REQUIRE(db.add("bob", "pw", std::nullopt).has_value());
  CHECK(db.add("alice", "again", std::nullopt).error() == "user 'alice' exists already");
  CHECK_FALSE(db.add("bad name", "pw", std::nullopt).has_value());
  CHECK_FALSE(db.add("carol", "pw", std::string("carol@example.org/phone")).has_value());  // not bare
  auto reread = UserDb::load(file);
  REQUIRE(reread.has_value());
  auto& back = *reread;
  CHECK(back.size() == 2);
  REQUIRE(back.find("alice"));
  CHECK(verify_password("secret", back.find("alice")->password_hash));
  CHECK(back.find("alice")->xmpp_address == "alice@example.org");
  CHECK_FALSE(back.find("bob")->xmpp_address.has_value());
  CHECK(back.find("mallory") == nullptr);
  fs::remove(file);
}

TEST_CASE("a malformed users file is refused with its line number") {
  auto file = temp_file("reload-users-bad");
  std::ofstream(file) << "# users\nalice\t" << hash_password("x", 1000) << "\nbob\tnot-a-hash\n";
  auto r = UserDb::load(file);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == file.string() + ":3: not a pbkdf2-sha256 password hash");
  fs::remove(file);
}
