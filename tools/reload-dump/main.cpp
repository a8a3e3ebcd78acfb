// reload-dump: decodes RELOAD (RFC 6940) messages and framed messages from a file, a hex
// string or a pcap/pcapng capture, and prints them as a tree with every field named.
//
// Exit status: 0 when everything decoded, 1 when some input is malformed (or a file cannot be
// read), 2 for a bad command line.
#include <charconv>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "capture_dump.hpp"
#include "detect.hpp"
#include "dump.hpp"
#include "input.hpp"
#include "output.hpp"
#include "wire/codec_context.hpp"
#include "wire/node_id.hpp"
#include "wire/print.hpp"

namespace {

using namespace reload;
using namespace reload::dump;

struct Usage {
  std::string what;
};

constexpr std::size_t default_max_message_size = 16u << 20;

std::optional<std::uint64_t> number(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Format parse_format(const std::string& s) {
  if (s == "auto") return Format::auto_detect;
  if (s == "raw") return Format::raw;
  if (s == "framed") return Format::framed;
  if (s == "pcap") return Format::pcap;
  throw Usage{fmt::format("--format must be auto, raw, framed or pcap, not '{}'", s)};
}

void add_kind(wire::DataModelTable& table, const std::string& spec) {
  auto colon = spec.find(':');
  if (colon == std::string::npos)
    throw Usage{fmt::format("--kind wants ID:MODEL (e.g. 5:dictionary), not '{}'", spec)};
  auto id = number(std::string_view(spec).substr(0, colon));
  if (!id || *id > 0xffffffffu)
    throw Usage{fmt::format("--kind: '{}' is not a Kind-ID (0 to 4294967295)", spec.substr(0, colon))};
  std::string model = spec.substr(colon + 1);
  wire::DataModel m;
  if (model == "single" || model == "single_value") m = wire::DataModel::single_value;
  else if (model == "array") m = wire::DataModel::array;
  else if (model == "dictionary") m = wire::DataModel::dictionary;
  else throw Usage{fmt::format("--kind: the model must be single, array or dictionary, not '{}'", model)};
  table.set(static_cast<wire::KindId>(*id), m);
}

int run(int argc, char** argv) {
  cxxopts::Options options(
      "reload-dump",
      "Decodes RELOAD (RFC 6940) messages and framed messages from a raw binary file, a hex\n"
      "string or a pcap/pcapng capture (UDP or TCP payloads, with or without the framing\n"
      "header), and prints them as a tree with every field named. Reads standard input when\n"
      "FILE is - or missing. Exit status: 0 decoded, 1 malformed input or unreadable file,\n"
      "2 bad command line.");
  options.positional_help("[FILE]");
  // clang-format off
  options.add_options()
      ("hex", "decode this hex string (whitespace, colons and 0x are ignored)",
       cxxopts::value<std::string>(), "HEX")
      ("format", "auto, raw (RELOAD messages), framed (RFC 6940 6.6.2 frames) or pcap "
       "(pcap/pcapng capture)", cxxopts::value<std::string>()->default_value("auto"), "FORMAT")
      ("node-id-length", "the overlay's Node-ID length in bytes, 16 to 20",
       cxxopts::value<std::string>()->default_value("16"), "N")
      ("kind", "the data model of a Kind, e.g. 5:dictionary (repeatable; the RFC's kinds and "
       "XMPP-LOCATION are known)", cxxopts::value<std::vector<std::string>>(), "ID:MODEL")
      ("max-message-size", "largest message accepted, in bytes",
       cxxopts::value<std::string>()->default_value(std::to_string(default_max_message_size)), "N")
      ("full", "print long byte strings whole (by default 256 bytes are shown)")
      ("h,help", "print this help")
      ("file", "the input", cxxopts::value<std::vector<std::string>>());
  // clang-format on
  options.parse_positional({"file"});

  cxxopts::ParseResult args;
  try {
    args = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw Usage{e.what()};
  }
  if (args.count("help")) {
    fmt::print("{}", options.help());
    return 0;
  }
  if (!args.unmatched().empty()) throw Usage{fmt::format("unexpected argument '{}'", args.unmatched()[0])};

  std::vector<std::string> files;
  if (args.count("file")) files = args["file"].as<std::vector<std::string>>();
  if (files.size() > 1) throw Usage{fmt::format("one FILE at a time ('{}' is one too many)", files[1])};
  if (!files.empty() && args.count("hex")) throw Usage{"give --hex or a FILE, not both"};

  Format format = parse_format(args["format"].as<std::string>());

  wire::DataModelTable kinds = wire::DataModelTable::with_standard_kinds();
  if (args.count("kind"))
    for (const auto& k : args["kind"].as<std::vector<std::string>>()) add_kind(kinds, k);

  wire::CodecContext ctx;
  ctx.data_models = &kinds;
  auto length = number(args["node-id-length"].as<std::string>());
  if (!length || *length < wire::NodeId::min_size || *length > wire::NodeId::max_size)
    throw Usage{fmt::format("--node-id-length must be 16 to 20, not '{}'",
                            args["node-id-length"].as<std::string>())};
  ctx.node_id_length = static_cast<std::size_t>(*length);
  auto max = number(args["max-message-size"].as<std::string>());
  if (!max || *max == 0)
    throw Usage{fmt::format("--max-message-size must be a positive number, not '{}'",
                            args["max-message-size"].as<std::string>())};
  ctx.max_message_size = static_cast<std::size_t>(*max);

  wire::PrintOptions print;
  if (args.count("full")) print.max_bytes = 0;

  std::string error;
  std::optional<wire::Buffer> input;
  if (args.count("hex")) {
    input = parse_hex(args["hex"].as<std::string>(), error);
    if (!input) throw Usage{"--hex: " + error};
  } else {
    input = read_input(files.empty() ? "-" : files[0], error);
    if (!input) {
      fmt::print(stderr, "reload-dump: {}\n", error);
      return 1;
    }
  }

  Output out;
  if (input->empty()) {
    out.error("empty input: nothing to decode");
    return 1;
  }
  if (format == Format::auto_detect) format = detect_format(*input);

  Dumper dumper(ctx);
  std::string text;
  wire::TreeWriter w(text, print);
  switch (format) {
    case Format::pcap:
      dump_capture(*input, dumper, print, out);
      break;
    case Format::framed:
    case Format::raw:
    case Format::auto_detect: {
      auto e = format == Format::framed ? dumper.frames(w, *input) : dumper.messages(w, *input);
      out.emit(text);
      if (e) out.error(e->message());
      break;
    }
  }
  std::fflush(stdout);
  return out.failed() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Usage& u) {
    std::fflush(stdout);
    fmt::print(stderr, "reload-dump: {} (see --help)\n", u.what);
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "reload-dump: {}\n", e.what());
    return 1;
  }
}
