// crypto::fill_random: small draws come from a block of OpenSSL's CSPRNG output; the bytes
// never repeat, large draws bypass the block, and a forked child never repeats its parent's.
#include "crypto/random.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>
#include <vector>

#include <doctest/doctest.h>

using reload::crypto::fill_random;

TEST_CASE("draws of every size, across several blocks, never repeat") {
  std::set<std::vector<std::uint8_t>> seen;
  for (std::size_t size : {16u, 8u, 1000u, 16u, 33u}) {
    for (int i = 0; i < 400; ++i) {
      std::vector<std::uint8_t> v(size);
      REQUIRE(fill_random(v));
      if (size >= 8) CHECK(seen.insert(v).second);
    }
  }
  CHECK(fill_random({}));
}

TEST_CASE("a forked child draws bytes its parent never draws") {
  std::array<std::uint8_t, 16> before{};
  REQUIRE(fill_random(before));  // the parent's block is started
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::array<std::uint8_t, 16> drawn{};
    const bool ok = fill_random(drawn);
    const ssize_t n = ::write(pipe_fds[1], drawn.data(), drawn.size());
    ::_exit(ok && n == 16 ? 0 : 1);
  }
  std::array<std::uint8_t, 16> in_child{};
  REQUIRE(::read(pipe_fds[0], in_child.data(), in_child.size()) == 16);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::array<std::uint8_t, 16> in_parent{};
  REQUIRE(fill_random(in_parent));  // what the parent's block holds next
  CHECK(in_child != in_parent);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}
