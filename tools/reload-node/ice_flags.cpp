#include "ice_flags.hpp"

#include <cxxopts.hpp>
#include <fmt/format.h>
#include <reload/file_io.hpp>

#include "transport/endpoint.hpp"

namespace reload::tools {

namespace {

std::optional<boost::asio::ip::udp::endpoint> udp_endpoint(const std::string& text) {
  auto ep = transport::parse_endpoint(text);
  if (!ep) return std::nullopt;
  return boost::asio::ip::udp::endpoint(ep->address(), ep->port());
}

}  // namespace

void add_ice_options(cxxopts::Options& options) {
  options.add_options("ICE")
    ("stun", "ADDR:PORT of a STUN server, for server-reflexive candidates", cxxopts::value<std::string>())
    ("turn", "ADDR:PORT of a TURN server (UDP), for relayed candidates; needs --turn-user and --turn-password-file",
     cxxopts::value<std::string>())
    ("turn-user", "TURN user name", cxxopts::value<std::string>())
    ("turn-password-file", "file whose first line is the TURN password", cxxopts::value<std::string>())
    ("ice-address", "gather host candidates on this address only (repeatable; default: the --listen address)",
     cxxopts::value<std::vector<std::string>>());
}

boost::system::result<node::IceSettings, std::string> parse_ice_flags(const cxxopts::ParseResult& args) {
  node::IceSettings ice;
  if (args.count("stun")) {
    const auto text = args["stun"].as<std::string>();
    auto ep = udp_endpoint(text);
    if (!ep) return fmt::format("--stun {}: expected ADDR:PORT", text);
    ice.stun = transport::IceServer{*ep, {}, {}};
  }
  const bool user = args.count("turn-user") > 0, password = args.count("turn-password-file") > 0;
  if (args.count("turn")) {
    const auto text = args["turn"].as<std::string>();
    auto ep = udp_endpoint(text);
    if (!ep) return fmt::format("--turn {}: expected ADDR:PORT", text);
    if (!user || !password) return std::string("--turn needs --turn-user and --turn-password-file");
    const auto file = args["turn-password-file"].as<std::string>();
    auto secret = read_file(file);
    if (!secret) return fmt::format("cannot read --turn-password-file {}: {}", file, secret.error().message());
    ice.turn = transport::IceServer{*ep, args["turn-user"].as<std::string>(), secret->substr(0, secret->find_first_of("\r\n"))};
  } else if (user || password) {
    return std::string("--turn-user and --turn-password-file go with --turn");
  }
  if (args.count("ice-address")) {
    for (const auto& text : args["ice-address"].as<std::vector<std::string>>()) {
      boost::system::error_code ec;
      auto address = boost::asio::ip::make_address(text, ec);
      if (ec) return fmt::format("--ice-address {}: expected an IPv4 or IPv6 address", text);
      ice.local_addresses.push_back(address);
    }
  }
  return ice;
}

}  // namespace reload::tools
