// reload::Node: a RELOAD overlay peer (RFC 6940) embedded in a program, a game client say.
//
// Threads. The node runs on the executor it is given (an io_context's, or a strand's) and
// touches nothing else except its ICE thread (libnice, principle 2 of DESIGN.md) and, while
// it starts, one short-lived thread that reads or makes its identity (files, enrollment over
// HTTPS, key generation), so that nothing blocks the caller. Every handler of this API (log,
// events, completions) runs on that executor: a game that calls io_context::poll() once a
// frame gets them inside poll(), a program that runs the io_context on a thread of its own
// gets them there. Call the node's functions on that executor too.
//
// Completions. Asynchronous operations take Asio completion tokens (a callback,
// asio::use_awaitable, asio::use_future, ...); a completion never runs inside the call that
// started it. Errors are boost::system::error_code values: reload::errc for the RFC's error
// responses (Error_Forbidden, ...), reload::node_errc below for the node's own, Asio's for
// the rest (operation_aborted: the node stopped first). No exception crosses this API.
//
// Lifetime. async_stop() leaves the overlay (XMPP endpoints remove their locations first),
// completes every pending operation and then completes itself; it never hangs (each step
// has a deadline). Destroying a Node that still runs abandons it as a crashed peer would:
// no Leave, links closed, pending operations completed with operation_aborted.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include "reload/app_stream.hpp"
#include "reload/detail/completion.hpp"
#include "reload/errors.hpp"

namespace reload {

namespace xmpp {
class Endpoint;
}

// The node's own failures (reload::errc holds the RFC's).
enum class node_errc {
  identity = 1,     // the identity could not be read or made: Node::error_message() says why
  listen,           // the listen address is wrong or taken
  join_timeout,     // no bootstrap peer admitted the node in time
  not_started,      // the operation needs a node that has joined
  stopped,          // the node was stopped (or is stopping)
  unknown_kind,     // the Kind-ID is not in the overlay's configuration
  bad_argument,     // an address, a JID or a value is malformed: error_message() says which
};
const boost::system::error_category& node_category() noexcept;
inline boost::system::error_code make_error_code(node_errc e) noexcept { return {static_cast<int>(e), node_category()}; }

enum class LogLevel : std::uint8_t { debug, info, warning, error };

struct NodeEvent {
  enum class Type : std::uint8_t {
    joined,             // part of the ring
    neighbors_changed,  // predecessors or successors changed
    link_up,            // an overlay link to `peer`
    link_down,
    app_attached,       // an AppAttach stream with `peer`: `local_candidate` and `remote_candidate` say how
    stopped,            // left (or abandoned): nothing more comes
  };
  Type type = Type::joined;
  std::string peer;  // a Node-ID in hex
  // "host", "srflx", "prflx" or "relay" (empty when ICE did not say): the NAT path taken.
  std::string local_candidate, remote_candidate;
  std::uint16_t application = 0;
};

struct NodeOptions {
  // The identity, one of:
  //  * `identity`: held by the program (nothing is written to disk);
  //  * `state_dir`: kept there across runs; on the first start it is made from `config` (a
  //    document file, or the https:// URL of an enrollment server's document) by enrollment
  //    with `user` and `password` (RFC 6940 section 11.3), or self-signed where the overlay
  //    permits it.
  struct Identity {
    std::string document;         // the overlay configuration document (XML)
    std::string key_pem;          // the private key (PKCS#8 PEM)
    std::string certificate_pem;  // the certificate the overlay's enrollment server signed
  };
  std::optional<Identity> identity;
  std::filesystem::path state_dir;
  std::string config;
  std::string user;
  std::string password;
  std::filesystem::path ca_file;  // trust anchor for the enrollment server's HTTPS (empty: the system's)

  std::string listen = "127.0.0.1:0";  // ADDR:PORT for overlay links; port 0: any free port
  std::vector<std::string> bootstrap;  // ADDR:PORT to join through; empty: the document's bootstrap-nodes
  bool may_create = false;             // start a new overlay when no bootstrap peer answers
  std::chrono::seconds join_timeout{60};
  // ICE (AppAttach, and Attach where the overlay uses ICE): host candidates on these
  // addresses only (empty: the listen address when it is a specific one, else every
  // interface), and a STUN server ADDR:PORT for server-reflexive candidates.
  std::vector<std::string> ice_addresses;
  std::string stun;
  // libnice's work (ICE checks, the packets of every AppAttach stream) on a thread of its
  // own (true), or on the node's executor (false): no thread hand-over per packet, the
  // lowest latency, but the executor must then be run by one and the same thread (a
  // single-threaded io_context, as a game loop polls it).
  bool ice_thread = true;

  LogLevel log_level = LogLevel::info;  // lines below it are not formatted at all
  std::function<void(LogLevel, std::string_view)> log;
  std::function<void(const NodeEvent&)> on_event;
};

// One value of a Kind at a resource (RFC 6940 section 7.2): the whole value of a SINGLE
// Kind, an ARRAY entry at `index`, or a DICTIONARY entry under `key`.
struct StoredEntry {
  std::uint32_t index = 0;
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> value;
  bool exists = true;  // false: a deletion (stored), or nothing there (fetched)
};

class Node {
 public:
  enum class State : std::uint8_t { idle, starting, joined, stopping, stopped };

  Node(boost::asio::any_io_executor executor, NodeOptions options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Gets the identity, listens, and joins (or starts a new overlay, with may_create).
  // Signature void(error_code).
  template <class Token>
  auto async_start(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) { start(detail::posted<boost::system::error_code>(std::move(handler), executor())); },
        token);
  }
  // Leaves: every XMPP endpoint removes its location, Leave goes to the neighbors, links
  // close. Signature void().
  template <class Token>
  auto async_stop(Token&& token) {
    return boost::asio::async_initiate<Token, void()>(
        [this](auto handler) { stop(detail::posted<>(std::move(handler), executor())); }, token);
  }
  // Stores `entries` of `kind` at the resource named `resource` (its Resource-ID is the
  // overlay's hash of the name), each signed by this node. Signature void(error_code).
  template <class Token>
  auto async_store(std::string_view resource, std::uint32_t kind, std::vector<StoredEntry> entries,
                   std::chrono::seconds lifetime, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::string resource, std::uint32_t kind, std::vector<StoredEntry> entries,
               std::chrono::seconds lifetime) {
          store(resource, kind, std::move(entries), lifetime,
                detail::posted<boost::system::error_code>(std::move(handler), executor()));
        },
        token, std::string(resource), kind, std::move(entries), lifetime);
  }
  // Every value of `kind` at the resource named `resource`, each checked against its
  // storer's certificate. Signature void(error_code, std::vector<StoredEntry>).
  template <class Token>
  auto async_fetch(std::string_view resource, std::uint32_t kind, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::vector<StoredEntry>)>(
        [this](auto handler, std::string resource, std::uint32_t kind) {
          fetch(resource, kind,
                detail::posted<boost::system::error_code, std::vector<StoredEntry>>(std::move(handler), executor()));
        },
        token, std::string(resource), kind);
  }

  // AppAttach (RFC 6940 section 6.5.2) to the peer whose Node-ID is `node_id` (hex), for
  // `application`: ICE checks, then TLS whose certificate must carry that Node-ID. The peer
  // refuses an application it does not serve (errc::not_found). Signature
  // void(error_code, AppStream).
  template <class Token>
  auto async_app_attach(std::string_view node_id, std::uint16_t application, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, AppStream)>(
        [this](auto handler, std::string node_id, std::uint16_t application) {
          app_attach(node_id, application,
                     detail::posted<boost::system::error_code, AppStream>(std::move(handler), executor()));
        },
        token, std::string(node_id), application);
  }
  // AppAttaches from other peers for `application` go to `accept`, on the node's executor,
  // until stop_listening() or the node stops. Errors: not_started (the node has not
  // joined), bad_argument (another acceptor has it: 5222 is an XMPP Endpoint's).
  boost::system::error_code listen(std::uint16_t application, std::function<void(AppStream)> accept);
  void stop_listening(std::uint16_t application);

  State state() const noexcept;
  const boost::asio::any_io_executor& executor() const noexcept;
  // The detail of the last failure (start, store, fetch): one line.
  const std::string& error_message() const noexcept;
  // Once the identity is read: the Node-ID in hex, the certificate's user name and XMPP
  // address (empty when it has none); once listening, the port overlay links are accepted
  // on; and how many links are up.
  std::string node_id() const;
  std::string user_name() const;  // the certificate's: the resource name of USER-MATCH Kinds
  std::string xmpp_address() const;
  std::uint16_t port() const;
  std::size_t links() const;

 private:
  friend class xmpp::Endpoint;
  struct Impl;

  void start(std::function<void(boost::system::error_code)> done);
  void stop(std::function<void()> done);
  void store(const std::string& resource, std::uint32_t kind, std::vector<StoredEntry> entries,
             std::chrono::seconds lifetime, std::function<void(boost::system::error_code)> done);
  void fetch(const std::string& resource, std::uint32_t kind,
             std::function<void(boost::system::error_code, std::vector<StoredEntry>)> done);
  void app_attach(const std::string& node_id, std::uint16_t application,
                  std::function<void(boost::system::error_code, AppStream)> done);

  std::shared_ptr<Impl> impl_;
};

}  // namespace reload

template <>
struct boost::system::is_error_code_enum<reload::node_errc> : std::true_type {};
