#include "storage_flags.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <cxxopts.hpp>
#include <fmt/format.h>

namespace reload::tools {

namespace {

using Error = std::string;

constexpr std::string_view hex_prefix = "hex:";

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// TEXT, or hex:HEX for arbitrary bytes.
boost::system::result<wire::Buffer, Error> parse_bytes(std::string_view text) {
  if (!text.starts_with(hex_prefix)) return wire::to_buffer(wire::as_bytes(text));
  wire::Buffer out;
  if (!wire::from_hex(text.substr(hex_prefix.size()), out))
    return fmt::format("'{}' is not hex (an even number of 0-9a-f digits)", text);
  return out;
}

boost::system::result<KindRef, Error> parse_kind(std::string_view text) {
  // in_place_error: a string would also build a KindRef (aggregate initialisation).
  using boost::system::in_place_error;
  if (text.empty()) return {in_place_error, "the Kind is missing before '@'"};
  if (text.front() >= '0' && text.front() <= '9') {
    auto id = parse_number<wire::KindId>(text);
    if (!id) return {in_place_error, fmt::format("Kind '{}' is neither a name nor a 32-bit number", text)};
    return KindRef{{}, *id};
  }
  return KindRef{std::string(text), std::nullopt};
}

boost::system::result<ResourceRef, Error> parse_resource(std::string_view text) {
  ResourceRef r;
  if (text.empty()) return Error("the resource is missing after '@'");
  if (text == "node") {
    r.form = ResourceRef::Form::node;
  } else if (text == "user") {
    r.form = ResourceRef::Form::user;
  } else if (text.starts_with("node-multiple:")) {
    auto i = parse_number<std::uint32_t>(text.substr(std::string_view("node-multiple:").size()));
    if (!i) return fmt::format("'{}': node-multiple needs a number 0..4294967295", text);
    r.form = ResourceRef::Form::node_multiple;
    r.multiple = *i;
  } else if (text.starts_with(hex_prefix)) {
    r.form = ResourceRef::Form::hex;
    if (!wire::from_hex(text.substr(hex_prefix.size()), r.id) || r.id.empty())
      return fmt::format("'{}' is not a hex Resource-ID (1 to 255 bytes)", text);
    if (r.id.size() > wire::ResourceId::max_size)
      return fmt::format("'{}' is longer than a Resource-ID's 255 bytes", text);
  } else {
    r.form = ResourceRef::Form::name;
    r.name = std::string(text.starts_with("name:") ? text.substr(5) : text);
    if (r.name.empty()) return fmt::format("'{}' names no resource", text);
  }
  return r;
}

// KIND@REST: the Kind and what follows the first '@' (Kind names hold no '@').
boost::system::result<std::pair<KindRef, std::string_view>, Error> split_kind(std::string_view text,
                                                                              std::string_view form) {
  auto at = text.find('@');
  if (at == std::string_view::npos) return fmt::format("expected {}", form);
  auto kind = parse_kind(text.substr(0, at));
  if (!kind) return kind.error();
  return std::pair{*kind, text.substr(at + 1)};
}

boost::system::result<StorageCommand, Error> parse_store(std::string_view text) {
  StorageCommand c;
  c.action = StorageCommand::Action::store;
  c.as_written = fmt::format("--store {}", text);
  auto fail = [&](const Error& why) { return fmt::format("{}: {}", c.as_written, why); };
  auto split = split_kind(text, "KIND@RESOURCE=VALUE");
  if (!split) return fail(split.error());
  c.kind = split->first;
  auto rest = split->second;
  auto eq = rest.find('=');
  if (eq == std::string_view::npos) return fail("expected KIND@RESOURCE=VALUE");
  auto resource = parse_resource(rest.substr(0, eq));
  if (!resource) return fail(resource.error());
  c.resource = std::move(*resource);
  auto value = parse_bytes(rest.substr(eq + 1));
  if (!value) return fail(value.error());
  c.value = std::move(*value);
  return c;
}

boost::system::result<StorageCommand, Error> parse_fetch(std::string_view text) {
  StorageCommand c;
  c.action = StorageCommand::Action::fetch;
  c.as_written = fmt::format("--fetch {}", text);
  auto fail = [&](const Error& why) { return fmt::format("{}: {}", c.as_written, why); };
  auto split = split_kind(text, "KIND@RESOURCE");
  if (!split) return fail(split.error());
  c.kind = split->first;
  auto resource = parse_resource(split->second);
  if (!resource) return fail(resource.error());
  c.resource = std::move(*resource);
  return c;
}

}  // namespace

void add_storage_options(cxxopts::Options& options) {
  options.add_options("One-shot storage")
    ("store", "store VALUE (TEXT or hex:HEX) under a Kind (name or number) at a resource: "
              "name:TEXT, hex:HEX, node, user, node-multiple:I, or TEXT (repeatable)",
     cxxopts::value<std::vector<std::string>>(), "KIND@RESOURCE=VALUE")
    ("fetch", "print every value of a Kind at a resource, or 'none' (repeatable)",
     cxxopts::value<std::vector<std::string>>(), "KIND@RESOURCE")
    ("index", "the index every ARRAY --store writes (default: append at 0xffffffff)",
     cxxopts::value<std::string>(), "N")
    ("key", "the key every DICTIONARY --store writes, TEXT or hex:HEX (required for them)",
     cxxopts::value<std::string>(), "K")
    ("lifetime", "seconds every --store's value lives (default: 86400)", cxxopts::value<std::string>(),
     "SECONDS");
}

boost::system::result<StorageCommands, std::string> parse_storage_flags(const cxxopts::ParseResult& args) {
  StorageCommands out;
  // The ordered list, not args["store"]: it keeps --store and --fetch interleaved as written,
  // and cxxopts would split a vector option's value at commas, which values may hold.
  for (const auto& kv : args.arguments()) {
    if (kv.key() != "store" && kv.key() != "fetch") continue;
    auto c = kv.key() == "store" ? parse_store(kv.value()) : parse_fetch(kv.value());
    if (!c) return c.error();
    out.commands.push_back(std::move(*c));
  }
  const bool stores = std::any_of(out.commands.begin(), out.commands.end(),
                                  [](const auto& c) { return c.action == StorageCommand::Action::store; });
  for (const char* flag : {"index", "key", "lifetime"}) {
    if (args.count(flag) > 1) return fmt::format("--{} is given more than once", flag);
    if (args.count(flag) && !stores) return fmt::format("--{} applies to --store, and there is none", flag);
  }
  if (args.count("index")) {
    const auto& text = args["index"].as<std::string>();
    auto i = parse_number<std::uint32_t>(text);
    if (!i) return fmt::format("--index {}: expected a number 0..4294967295", text);
    out.index = *i;
  }
  if (args.count("key")) {
    auto key = parse_bytes(args["key"].as<std::string>());
    if (!key) return fmt::format("--key: {}", key.error());
    if (key->size() > std::numeric_limits<std::uint16_t>::max())
      return std::string("--key: a dictionary key is at most 65535 bytes");
    out.key = std::move(*key);
  }
  if (args.count("lifetime")) {
    const auto& text = args["lifetime"].as<std::string>();
    auto s = parse_number<std::uint32_t>(text);
    if (!s || *s == 0) return fmt::format("--lifetime {}: expected seconds, 1..4294967295", text);
    out.lifetime = std::chrono::seconds(*s);
  }
  return out;
}

}  // namespace reload::tools
