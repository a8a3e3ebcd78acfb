#include "user_db.hpp"

#include <fstream>
#include <thread>

#include <doctest/doctest.h>

#include "enrollment_fixture.hpp"
#include <sys/stat.h>

#include "password_hash.hpp"

using namespace reload::enroll;
namespace fs = std::filesystem;
namespace test = reload::test;

namespace {
struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("reload-users-test-" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
};

const std::string hash = hash_password("secret", min_iterations);

std::string parse_error(const std::string& text) {
  auto r = UserDb::parse(text, "users");
  REQUIRE_FALSE(r.has_value());
  return r.error();
}
}  // namespace

TEST_CASE("users are added, written (0600) and read back") {
  TempDir t;
  auto file = t.dir / "users";
  CHECK(test::must(UserDb::load(file)).size() == 0);  // absent: empty
  REQUIRE(UserDb::add(file, "alice", "secret", std::string("alice@example.org"), min_iterations).has_value());
  auto db = test::must(UserDb::add(file, "bob@example.org", "pw", std::nullopt, min_iterations));
  CHECK(db.size() == 2);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto back = test::must(UserDb::load(file));
  CHECK(back.size() == 2);
  REQUIRE(back.find("alice"));
  CHECK(verify_password("secret", back.find("alice")->password_hash));
  CHECK_FALSE(verify_password("pw", back.find("alice")->password_hash));
  CHECK(back.find("alice")->xmpp_address == "alice@example.org");
  CHECK_FALSE(back.find("bob@example.org")->xmpp_address.has_value());
  CHECK(back.find("mallory") == nullptr);
  CHECK(back.find("ALICE") == nullptr);  // names are compared as bytes
}

TEST_CASE("adding refuses duplicates and bad input, and keeps the operator's lines") {
  TempDir t;
  auto file = t.dir / "users";
  std::ofstream(file) << "# my users\n\n   # indented comment\nalice  " << hash << "   alice@example.org\n";
  CHECK(UserDb::add(file, "alice", "again", std::nullopt, min_iterations).error() == "user 'alice' exists already");
  CHECK(UserDb::add(file, "bad name", "pw", std::nullopt, min_iterations).error() == "'bad name' is not a valid user name");
  CHECK(UserDb::add(file, "carol", "", std::nullopt, min_iterations).error() == "the password is empty");
  CHECK(UserDb::add(file, "carol", "pw", std::string("carol@example.org/phone"), min_iterations).error() ==
        "'carol@example.org/phone' is not a bare JID");
  REQUIRE(UserDb::add(file, "carol", "pw", std::nullopt, min_iterations).has_value());
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text.starts_with("# my users\n\n   # indented comment\nalice  "));
  CHECK(text.find("\ncarol\tpbkdf2-sha256$100000$") != std::string::npos);
  // A file without a final newline gets one before the new line.
  auto file2 = t.dir / "users2";
  std::ofstream(file2) << "alice " << hash;
  REQUIRE(UserDb::add(file2, "bob", "pw", std::nullopt, min_iterations).has_value());
  CHECK(test::must(UserDb::load(file2)).size() == 2);
}

TEST_CASE("names and JIDs") {
  for (const char* good : {"alice", "a", "alice@example.org", "a.b-c_d+e", "A1"}) CHECK(valid_user_name(good));
  for (const char* bad : {"", "al ice", "@alice", "alice@", "a@b@c", "al\tice", "al#ice", "~configuration-signer",
                          "\xc3\xa4"})
    CHECK_FALSE(valid_user_name(bad));
  CHECK_FALSE(valid_user_name(std::string(65, 'a')));
  for (const char* good : {"alice@example.org", "a@b", "juliet@[::1]"}) CHECK(valid_bare_jid(good));
  for (const char* bad : {"alice", "@example.org", "alice@", "a@b/c", "a@b@c", "a b@c", "a@b\x7f"})
    CHECK_FALSE(valid_bare_jid(bad));
  CHECK_FALSE(valid_bare_jid(std::string(1024, 'a') + "@b"));
}

TEST_CASE("a malformed users file is refused with its line number") {
  CHECK(parse_error("# users\nalice\t" + hash + "\nbob\tnot-a-hash\n") ==
        "users:3: not a pbkdf2-sha256 password hash of 100000 to 10000000 iterations (use --add-user)");
  CHECK(parse_error("alice\n") == "users:1: expected NAME PASSWORD-HASH [XMPP-ADDRESS]");
  CHECK(parse_error("\n\nalice " + hash + " a@b extra\n") == "users:3: expected NAME PASSWORD-HASH [XMPP-ADDRESS]");
  CHECK(parse_error("al/ice " + hash + "\n") == "users:1: 'al/ice' is not a valid user name");
  CHECK(parse_error("alice " + hash + " not-a-jid\n") == "users:1: 'not-a-jid' is not a bare JID");
  CHECK(parse_error("alice " + hash + "\nalice " + hash + "\n") == "users:2: user 'alice' appears twice");
  CHECK(parse_error("alice " + hash + "\x01\n") == "users:1: control character in the line");
  CHECK(parse_error("alice " + std::string(hash).replace(14, 6, "1000") + "\n").starts_with("users:1: not a pbkdf2"));
  // CRLF line ends (a file edited on Windows) are fine.
  CHECK(test::must(UserDb::parse("alice " + hash + "\r\nbob " + hash + "\r\n", "users")).size() == 2);
}

TEST_CASE("a running server sees the file change, and keeps the last good one on a bad edit") {
  TempDir t;
  auto file = t.dir / "users";
  auto users = test::must(UserFile::open(file));
  CHECK(users.current().db->size() == 0);
  REQUIRE(UserDb::add(file, "alice", "secret", std::nullopt, min_iterations).has_value());
  auto snap = users.current();
  CHECK(snap.db->find("alice") != nullptr);
  CHECK_FALSE(snap.reload_error.has_value());
  // A broken edit: reported once, the old database stays.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(file, std::ios::app) << "brokenline\n";
  auto bad = users.current();
  REQUIRE(bad.reload_error.has_value());
  CHECK(bad.reload_error->find(":3: expected NAME") != std::string::npos);
  CHECK(bad.db->find("alice") != nullptr);
  CHECK_FALSE(users.current().reload_error.has_value());  // said once
  // A fix is picked up again.
  std::ofstream(file) << "bob " << hash << "\n";
  auto fixed = users.current();
  CHECK(fixed.db->find("bob") != nullptr);
  CHECK(fixed.db->find("alice") == nullptr);
}
