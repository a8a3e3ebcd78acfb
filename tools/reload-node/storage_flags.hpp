// reload-node's one-shot storage flags (--store, --fetch, --index, --key, --lifetime), read
// from the command line into what the operator asked for, before the node knows its overlay.
//
//   --store KIND@RESOURCE=VALUE   --fetch KIND@RESOURCE
//   KIND      a Kind name of the document (CERTIFICATE_BY_NODE) or a numeric Kind-ID
//   RESOURCE  name:TEXT | hex:HEX | node | user | node-multiple:I | TEXT (= name:TEXT);
//             it ends at the first '=' (user names hold '@', values often hold '=')
//   VALUE     TEXT | hex:HEX
//
// --index, --key and --lifetime apply to every --store (of an ARRAY, a DICTIONARY, any Kind).
// Only the syntax is checked here; Kinds, data models and Resource-IDs need the overlay's
// document and this node's certificate (storage_plan.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/node_id.hpp"

namespace cxxopts {
class Options;
class ParseResult;
}  // namespace cxxopts

namespace reload::tools {

// A Kind as written: by name, or by number.
struct KindRef {
  std::string name;               // empty when written as a number
  std::optional<wire::KindId> id;  // set when written as a number
};

// Where to store or fetch, as written: the Resource-ID itself needs the node's identity.
struct ResourceRef {
  enum class Form { name, hex, node, user, node_multiple };
  Form form = Form::name;
  std::string name;          // Form::name: the text whose hash is the Resource-ID
  wire::Buffer id;           // Form::hex: the Resource-ID
  std::uint32_t multiple = 0;  // Form::node_multiple: i of H(Node-ID || i)
};

struct StorageCommand {
  enum class Action { store, fetch };
  Action action = Action::store;
  std::string as_written;  // "--store ..." for error messages
  KindRef kind;
  ResourceRef resource;
  wire::Buffer value;  // --store only
};

struct StorageCommands {
  std::vector<StorageCommand> commands;  // in command-line order
  std::optional<std::uint32_t> index;    // --index: ARRAY stores; none: append
  std::optional<wire::Buffer> key;       // --key: DICTIONARY stores (required there)
  std::chrono::seconds lifetime{86400};  // --lifetime
  bool empty() const noexcept { return commands.empty(); }
};

// Adds the flags and their --help text to reload-node's options.
void add_storage_options(cxxopts::Options& options);

// The storage flags of a parsed command line, or one line saying which flag is wrong and why.
boost::system::result<StorageCommands, std::string> parse_storage_flags(const cxxopts::ParseResult& args);

}  // namespace reload::tools
