// The storage flags made concrete for one overlay and one identity: Kind-IDs and data models
// from the configuration document, Resource-IDs hashed as the access control policies of
// RFC 6940 section 7.3 hash them (storage/access_control.hpp), values shaped for the model.
//
// Runs before the node starts, so an unknown Kind or a DICTIONARY --store without --key is
// one line and exit 1 before anything goes on the wire.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "config/configuration.hpp"
#include "crypto/certificate.hpp"
#include "storage_flags.hpp"
#include "wire/fetch.hpp"
#include "wire/stored_data.hpp"

namespace reload::tools {

struct StorageOperation {
  StorageCommand::Action action = StorageCommand::Action::fetch;
  std::string as_written;  // the flag, for error messages
  std::string kind_label;  // the document's name of the Kind, else its number
  wire::KindId kind = 0;
  wire::DataModel model = wire::DataModel::single_value;
  config::AccessControl access = config::AccessControl::user_match;  // why a store may be refused
  wire::ResourceId resource;
  // --store only.
  wire::Buffer value;
  std::uint32_t index = wire::array_last_index;  // ARRAY
  wire::Buffer key;                              // DICTIONARY
  std::chrono::seconds lifetime{0};

  // What --store writes, shaped for the Kind's model; views this operation's buffers.
  wire::StoredDataValue stored_value() const;
  // What --fetch asks for: every value of the Kind (the whole array, every dictionary key).
  wire::StoredDataSpecifier fetch_everything() const;
};

// The operations in command-line order, or one line saying which flag cannot be carried out
// in this overlay and why. `node_id` is the Node-ID this node runs as (one of the
// certificate's); `certificate` gives the user name.
boost::system::result<std::vector<StorageOperation>, std::string> plan_storage(
    const StorageCommands& commands, const config::Configuration& configuration,
    const crypto::Certificate& certificate, const wire::NodeId& node_id);

}  // namespace reload::tools
