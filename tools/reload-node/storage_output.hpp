// The lines reload-node prints for its one-shot storage operations, one per result:
//
//   stored KIND at RESOURCE generation G replicas ID,ID|-
//   KIND RESOURCE [index N|key K] VALUE stored TIME lifetime SECONDS
//   KIND RESOURCE none
//
// RESOURCE and IDs are hex; TIME is the storage_time, ISO 8601 UTC; SECONDS is the lifetime
// the storing peer answered, which is what is left of it (src/storage/stored_value.hpp); VALUE and K are written the way --store
// and --key accept them (text, or hex:HEX when the bytes are not plain printable UTF-8), so
// a line can be fed back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/storage_client.hpp"
#include "storage_plan.hpp"

namespace reload::tools {

// The text when the bytes are printable UTF-8 without leading or trailing blanks (and do not
// themselves start with "hex:"), else hex:HEX.
std::string printable(wire::Bytes bytes);

// Milliseconds since 1970 as 2024-05-01T12:00:00.123Z; a value past year 9999 as its number.
std::string iso_time(std::uint64_t ms_since_epoch);

// The line for a successful --store; nullopt when the answer does not mention its Kind.
std::optional<std::string> store_line(const StorageOperation& op, const node::StoreResult& result);

// One line per existing value of a --fetch, or the single "none" line.
std::vector<std::string> fetch_lines(const StorageOperation& op, const wire::FetchAns& answer);

}  // namespace reload::tools
