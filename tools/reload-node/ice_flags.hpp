// reload-node's ICE flags, read into the node's IceSettings before the node starts. RFC
// 6940's configuration document names no STUN server, and TURN servers only as a density, so
// an operator gives them here.
//
//   --stun ADDR:PORT           a STUN server, for server-reflexive candidates
//   --turn ADDR:PORT           a TURN server (over UDP), for relayed candidates; with
//   --turn-user USER and --turn-password-file FILE
//   --ice-address ADDR         gather host candidates on this address only (repeatable;
//                              default: the --listen address when it is a specific one)
//
// They matter only where the document does not say <no-ice> (Attach) and for AppAttach.
#pragma once

#include <string>

#include <boost/system/result.hpp>

#include "node/overlay_node.hpp"

namespace cxxopts {
class Options;
class ParseResult;
}  // namespace cxxopts

namespace reload::tools {

void add_ice_options(cxxopts::Options& options);

// The settings, or a one-line message naming the flag that is wrong.
boost::system::result<node::IceSettings, std::string> parse_ice_flags(const cxxopts::ParseResult& args);

}  // namespace reload::tools
