#include "wire/print.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"
#include "wire/framing.hpp"
#include "wire/message.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// The PingReq of message_test.cpp: header + contents + empty security block, 0x4d bytes.
Buffer ping_bytes() {
  return hex(
      "d2454c4f 9aa32b8d 0016 0a 64 c0000000 0000004d 1122334455667788 00000000 0000 0012 0000"
      "01 10 fedcba9876543210fedcba9876543210"
      "0017 00000002 0000 00000000"
      "0000 00 00 03 0000 0000");
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

bool has_line(const std::string& tree, const std::string& line) {
  return tree.find("\n" + line + "\n") != std::string::npos || tree.rfind(line + "\n", 0) == 0;
}
}  // namespace

// Structures of no other module, to show that any described type prints.
namespace printer_test {
enum class Colour : std::uint8_t { red = 1, green = 2 };
BOOST_DESCRIBE_ENUM(Colour, red, green)
enum class Plain : std::uint16_t { a = 7 };

struct Empty {};
struct Leaf {
  std::uint16_t number = 0;
  Colour colour = Colour::red;
};
struct Outer {
  std::optional<Leaf> maybe;
  std::optional<std::uint32_t> absent;
  std::vector<Leaf> leaves;
  std::vector<std::uint8_t> buffer;
  std::variant<reload::wire::NodeId, Leaf> choice;
  std::string label;
  Plain plain = Plain::a;
  std::int32_t negative = -5;
  Empty nothing;
};
RELOAD_WIRE_DESCRIBE(Empty, ())
RELOAD_WIRE_DESCRIBE(Leaf, (number, colour))
RELOAD_WIRE_DESCRIBE(Outer, (maybe, absent, leaves, buffer, choice, label, plain, negative,
                             nothing))
}  // namespace printer_test

TEST_CASE("every field of a decoded message is named") {
  auto bytes = ping_bytes();
  auto m = decode_message(bytes, ctx).value();
  std::string t = tree_string("message", m);
  INFO(t);
  CHECK(has_line(t, "message (Message)"));
  CHECK(has_line(t, "  header (ForwardingHeader)"));
  CHECK(has_line(t, "    overlay: 2594384781 (0x9aa32b8d)"));
  CHECK(has_line(t, "    configuration_sequence: 22"));
  CHECK(has_line(t, "    version: 10"));
  CHECK(has_line(t, "    ttl: 100"));
  CHECK(has_line(t, "    fragment: 0xc0000000 (last fragment, offset 0)"));
  CHECK(has_line(t, "    length: 77"));
  CHECK(has_line(t, "    transaction_id: 1234605616436508552 (0x1122334455667788)"));
  CHECK(has_line(t, "    max_response_length: 0"));
  CHECK(has_line(t, "    via_list: 0 entries"));
  CHECK(has_line(t, "    destination_list (1 entry)"));
  CHECK(has_line(t, "      [0] (NodeId): fedcba9876543210fedcba9876543210"));
  CHECK(has_line(t, "    options: 0 entries"));
  CHECK(has_line(t, "  contents (MessageContents)"));
  CHECK(has_line(t, "    message_code: ping_req (0x0017)"));
  CHECK(has_line(t, "    message_body: <2 bytes> 0000"));
  CHECK(has_line(t, "    extensions: 0 entries"));
  CHECK(has_line(t, "  security (SecurityBlock)"));
  CHECK(has_line(t, "    certificates: 0 entries"));
  CHECK(has_line(t, "    signature (Signature)"));
  CHECK(has_line(t, "      algorithm (SignatureAndHashAlgorithm)"));
  CHECK(has_line(t, "        hash: none (0)"));
  CHECK(has_line(t, "        signature: anonymous (0)"));
  CHECK(has_line(t, "      identity (SignerIdentity)"));
  CHECK(has_line(t, "        identity_type: none (3)"));
  CHECK(has_line(t, "        hash_alg: none (0)"));
  CHECK(has_line(t, "        hash: <0 bytes>"));
  CHECK(has_line(t, "      signature_value: <0 bytes>"));
}

TEST_CASE("a framed message prints its frame fields") {
  Buffer inner = ping_bytes();
  FramedMessage data = FramedData{7, inner};
  std::string t = tree_string("frame", data);
  INFO(t);
  CHECK(has_line(t, "frame (FramedData)"));
  CHECK(has_line(t, "  sequence: 7"));
  CHECK(has_line(t, "  message: <77 bytes>"));
  CHECK(has_line(t, "    0000: d2454c4f9aa32b8d00160a64c00000000000004d112233445566778800000000"));

  FramedMessage ack = FramedAck{9, 0x80000001};
  t = tree_string("frame", ack);
  CHECK(t == "frame (FramedAck)\n  ack_sequence: 9\n  received: 2147483649 (0x80000001)\n");
  CHECK(tree_string("type", FramedMessageType::ack) == "type: ack (129)\n");
}

TEST_CASE("enum values print by name, unknown ones as unknown") {
  CHECK(tree_string("hash", HashAlgorithm::sha256) == "hash: sha256 (4)\n");
  CHECK(tree_string("hash", static_cast<HashAlgorithm>(9)) == "hash: unknown (9)\n");

  auto bytes = ping_bytes();
  bytes[bytes.size() - 7] = 0x09;  // SignatureAndHashAlgorithm.hash = 9
  bytes[bytes.size() - 6] = 0x03;  // .signature = ecdsa
  auto m = decode_message(bytes, ctx).value();
  std::string t = tree_string("message", m);
  INFO(t);
  CHECK(has_line(t, "        hash: unknown (9)"));
  CHECK(has_line(t, "        signature: ecdsa (3)"));
}

TEST_CASE("special integer fields") {
  CHECK(tree_string("fragment", std::uint32_t{0x80000100}) ==
        "fragment: 0x80000100 (not the last fragment, offset 256)\n");
  CHECK(tree_string("message_code", std::uint16_t{0x1234}) == "message_code: unknown (0x1234)\n");
  CHECK(tree_string("message_code", std::uint16_t{0xffff}) == "message_code: error (0xffff)\n");
  CHECK(tree_string("error_code", std::uint16_t{2}) == "error_code: Error_Forbidden (2)\n");
  CHECK(tree_string("error_code", std::uint16_t{99}) == "error_code: unknown (99)\n");
  CHECK(tree_string("ttl", std::uint8_t{100}) == "ttl: 100\n");
  CHECK(tree_string("storage_time", std::uint64_t{1700000000123}) ==
        "storage_time: 1700000000123 (2023-11-14T22:13:20.123Z)\n");
}

TEST_CASE("byte strings: hex, text when printable, long ones wrapped and cut") {
  Buffer text = hex("68656c6c6f");
  CHECK(tree_string("v", Bytes(text)) == "v: <5 bytes> 68656c6c6f \"hello\"\n");
  Buffer one = hex("00");
  CHECK(tree_string("v", Bytes(one)) == "v: <1 byte> 00\n");

  Buffer long_text(70, 'a');
  std::string t = tree_string("v", Bytes(long_text), PrintOptions{0, 32});
  INFO(t);
  CHECK(has_line(t, "v: <70 bytes>"));
  CHECK(has_line(t, "  0000: " + repeat("61", 32) + " \"" + std::string(32, 'a') + "\""));
  CHECK(has_line(t, "  0020: " + repeat("61", 32) + " \"" + std::string(32, 'a') + "\""));
  CHECK(has_line(t, "  0040: " + repeat("61", 6) + std::string(2 * 26 + 1, ' ') + "\"aaaaaa\""));

  Buffer big(1000, 0x01);
  t = tree_string("v", Bytes(big), PrintOptions{64, 32});
  CHECK(has_line(t, "v: <1000 bytes>"));
  CHECK(has_line(t, "  0000: " + repeat("01", 32)));
  CHECK(has_line(t, "  0020: " + repeat("01", 32)));
  CHECK(has_line(t, "  ... 936 more bytes"));
  CHECK(t.find("0040:") == std::string::npos);
}

TEST_CASE("any described structure prints, with optional, vector, variant and strings") {
  printer_test::Outer o;
  o.maybe = printer_test::Leaf{3, printer_test::Colour::green};
  o.leaves = {printer_test::Leaf{1, static_cast<printer_test::Colour>(7)}};
  o.buffer = {0xab};
  o.choice = NodeId::wildcard();
  o.label = "a\"b\n";
  std::string t = tree_string("outer", o);
  CHECK(t ==
        "outer (Outer)\n"
        "  maybe (Leaf)\n"
        "    number: 3\n"
        "    colour: green (2)\n"
        "  absent: (absent)\n"
        "  leaves (1 entry)\n"
        "    [0] (Leaf)\n"
        "      number: 1\n"
        "      colour: unknown (7)\n"
        "  buffer: <1 byte> ab\n"
        "  choice (NodeId): ffffffffffffffffffffffffffffffff (wildcard)\n"
        "  label: \"a\\\"b\\x0a\"\n"
        "  plain: 7\n"
        "  negative: -5\n"
        "  nothing (Empty)\n");

  o.choice = printer_test::Leaf{};
  t = tree_string("outer", o);
  CHECK(t.find("  choice (Leaf)\n    number: 0\n    colour: red (1)\n") != std::string::npos);
}

TEST_CASE("print_members prints the fields without the structure's own line") {
  std::string out;
  TreeWriter w(out);
  w.open("frame", "FramedAck");
  print_tree(w, "type", FramedMessageType::ack);
  print_members(w, FramedAck{1, 2});
  w.close();
  w.line("done");
  CHECK(out == "frame (FramedAck)\n  type: ack (129)\n  ack_sequence: 1\n  received: 2 (0x00000002)\n"
               "done\n");
}
