#include "wire/hashes.hpp"

#include <doctest/doctest.h>

using namespace reload::wire;

TEST_CASE("overlay field: the low 32 bits of SHA-1 of the overlay name") {
  // PITFALLS.md item 4 and rfc6940-reference.txt appendix C.
  CHECK(overlay_hash("overlay.example.org") == 0x9aa32b8du);
  // SHA-1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709: low 32 bits afd80709.
  CHECK(overlay_hash("") == 0xafd80709u);
}

TEST_CASE("Resource-ID: the first 16 bytes of SHA-1 of the resource name") {
  CHECK(resource_id_of("juliet@capulet.lit").hex() == "ea94443670c76cc48e9c3fc78b4abe22");
  // SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d
  CHECK(resource_id_of("abc").hex() == "a9993e364706816aba3e25717850c26c");
  CHECK(resource_id_of("abc", 20).hex() == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(resource_id_of("abc").size() == 16);
}

TEST_CASE("sha256: FIPS 180-2 answers, and two parts hash as their concatenation") {
  auto hex = [](const std::array<std::uint8_t, 32>& d) { return to_hex(Bytes(d.data(), d.size())); };
  CHECK(hex(sha256(as_bytes(std::string_view("abc")))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(sha256({})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256(as_bytes(std::string_view("ab")), as_bytes(std::string_view("c"))) ==
        sha256(as_bytes(std::string_view("abc"))));
}
