#include <random>

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <fmt/format.h>

#include "api/app_stream_impl.hpp"
#include "api/node_impl.hpp"
#include "node/storage_client.hpp"
#include "storage/access_control.hpp"
#include "storage/storage_config.hpp"
#include "transport/endpoint.hpp"
#include "transport/ice_executor.hpp"
#include "wire/hashes.hpp"
#include "xmpp/xmpp_tls_identity.hpp"

namespace reload {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

class NodeCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reload.node"; }
  std::string message(int v) const override {
    switch (static_cast<node_errc>(v)) {
      case node_errc::identity: return "the node's identity could not be read or made";
      case node_errc::listen: return "the node cannot listen there";
      case node_errc::join_timeout: return "no bootstrap peer admitted the node in time";
      case node_errc::not_started: return "the node has not joined";
      case node_errc::stopped: return "the node is stopped";
      case node_errc::unknown_kind: return "the Kind is not in the overlay's configuration";
      case node_errc::bad_argument: return "a malformed argument";
    }
    return "unknown reload.node error";
  }
};

std::string candidate_name(const std::optional<transport::IceSelectedPair>& pair, bool local) {
  if (!pair) return {};
  return wire::cand_type_name(local ? pair->local : pair->remote);
}

NodeEvent public_event(const node::NodeEvent& e) {
  using In = node::NodeEvent::Type;
  using Out = NodeEvent::Type;
  NodeEvent out;
  switch (e.type) {
    case In::joined: out.type = Out::joined; break;
    case In::neighbors_changed: out.type = Out::neighbors_changed; break;
    case In::link_up: out.type = Out::link_up; break;
    case In::link_down: out.type = Out::link_down; break;
    case In::app_attached: out.type = Out::app_attached; break;
    case In::stopped: out.type = Out::stopped; break;
  }
  if (!e.peer.empty()) out.peer = e.peer.hex();
  out.local_candidate = candidate_name(e.pair, true);
  out.remote_candidate = candidate_name(e.pair, false);
  out.application = e.application;
  return out;
}

struct NetworkOptions {
  asio::ip::tcp::endpoint listen;
  std::vector<asio::ip::tcp::endpoint> bootstrap;
  node::IceSettings ice;
};

// What the options say besides the identity, checked before anything starts.
boost::system::result<NetworkOptions, std::string> network_options(const NodeOptions& o) {
  NetworkOptions out;
  auto listen = transport::parse_endpoint(o.listen);
  if (!listen) return fmt::format("listen {}: expected ADDR:PORT", o.listen);
  out.listen = *listen;
  for (const auto& b : o.bootstrap) {
    auto ep = transport::parse_endpoint(b);
    if (!ep) return fmt::format("bootstrap {}: expected ADDR:PORT", b);
    out.bootstrap.push_back(*ep);
  }
  for (const auto& a : o.ice_addresses) {
    error_code ec;
    auto address = asio::ip::make_address(a, ec);
    if (ec) return fmt::format("ice address {}: not an IP address", a);
    out.ice.local_addresses.push_back(address);
  }
  if (!o.stun.empty()) {
    auto ep = transport::parse_endpoint(o.stun);
    if (!ep) return fmt::format("stun {}: expected ADDR:PORT", o.stun);
    out.ice.stun = transport::IceServer{{ep->address(), ep->port()}, {}, {}};
  }
  return out;
}

// Every value of a Kind: the whole array, every dictionary key.
wire::StoredDataSpecifier everything_of(const config::KindDefinition& kind) {
  wire::StoredDataSpecifier s;
  s.kind = kind.id;
  switch (kind.data_model) {
    case wire::DataModel::array: s.model_specifier = wire::ArraySpecifier{{wire::ArrayRange{}}}; break;
    case wire::DataModel::dictionary: s.model_specifier = wire::DictionarySpecifier{}; break;
    default: s.model_specifier = wire::SingleValueSpecifier{}; break;
  }
  return s;
}

StoredEntry entry_of(const wire::StoredDataValue& v) {
  StoredEntry out;
  const wire::DataValue* data = wire::data_value_of(v);
  if (const auto* a = std::get_if<wire::ArrayEntry>(&v)) out.index = a->index;
  if (const auto* d = std::get_if<wire::DictionaryEntry>(&v)) out.key.assign(d->key.begin(), d->key.end());
  if (data) {
    out.exists = data->exists;
    out.value.assign(data->value.begin(), data->value.end());
  }
  return out;
}

}  // namespace

const boost::system::error_category& node_category() noexcept {
  static const NodeCategory category;
  return category;
}

Node::Impl::Impl(asio::any_io_executor ex, NodeOptions o)
    : executor(std::move(ex)), options(std::move(o)), join_timer(executor) {}

void Node::Impl::say(LogLevel level, std::string_view line) const {
  if (wants(level)) options.log(level, line);
}

void Node::Impl::tell(NodeEvent event) {
  if (!options.on_event) return;
  asio::post(executor, [self = shared_from_this(), event = std::move(event)] {
    if (self->options.on_event) self->options.on_event(event);
  });
}

std::vector<std::shared_ptr<NodeUser>> Node::Impl::live_users() {
  std::vector<std::shared_ptr<NodeUser>> out;
  std::erase_if(users, [](const auto& w) { return w.expired(); });
  for (const auto& w : users)
    if (auto u = w.lock()) out.push_back(std::move(u));
  return out;
}

void Node::Impl::fail(error_code ec, std::string why) {
  error = std::move(why);
  say(LogLevel::error, error);
  finish_start(ec);
}

void Node::Impl::finish_start(error_code ec) {
  join_timer.cancel();
  if (ec && state == State::starting) state = State::stopped;
  if (auto done = std::exchange(start_done, nullptr)) done(ec);
}

void Node::Impl::begin(boost::system::result<api::NodeIdentity, std::string> got) {
  if (identity_thread.joinable()) identity_thread.join();  // it has posted this and ends
  if (state != State::starting) return;  // abandoned meanwhile
  if (stop_requested) {
    state = State::stopped;
    finish_start(asio::error::operation_aborted);
    for (auto& done : std::exchange(on_stopped, {})) done();
    return;
  }
  if (!got) return fail(make_error_code(node_errc::identity), got.error());
  identity = std::move(*got);
  auto network = network_options(options);  // checked in start(): cannot fail here
  node::NodeOptions o{identity->configuration.config,
                      {identity->key, identity->certificate},
                      identity->node_id,
                      network->listen,
                      std::move(network->bootstrap),
                      std::random_device{}(),
                      nullptr,
                      nullptr,
                      std::move(network->ice)};
  if (o.bootstrap.empty()) o.bootstrap = api::document_bootstrap(o.configuration);
  if (options.log && options.log_level <= LogLevel::info)
    o.log = [weak = weak_from_this()](const std::string& line) {
      if (auto self = weak.lock()) self->say(LogLevel::info, line);
    };
  o.on_event = [weak = weak_from_this()](const node::NodeEvent& e) {
    auto self = weak.lock();
    if (!self) return;
    if (e.type == node::NodeEvent::Type::joined && self->state == State::starting) {
      self->state = State::joined;
      asio::post(self->executor, [self] {
        self->finish_start({});
        for (auto& f : std::exchange(self->on_joined, {})) f();
      });
    }
    self->tell(public_event(e));
  };
  ice = options.ice_thread ? std::make_shared<transport::IceExecutor>() : std::make_shared<transport::IceExecutor>(executor);
  o.ice.executor = ice;
  auto made = node::OverlayNode::create(executor, std::move(o));
  if (!made) return fail(made.error(), fmt::format("the node cannot start: {}", made.error().message()));
  node = std::move(*made);
  if (auto ec = node->start(options.may_create))
    return fail(make_error_code(node_errc::listen), fmt::format("listen {}: {}", options.listen, ec.message()));
  say(LogLevel::info, fmt::format("Node-ID {}, listening on port {}", node->self().hex(), node->listen_endpoint().port()));
  join_timer.expires_after(options.join_timeout);
  join_timer.async_wait([weak = weak_from_this()](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->state != State::starting) return;
    self->node->crash();
    self->fail(make_error_code(node_errc::join_timeout),
               fmt::format("not admitted to the overlay within {} s", self->options.join_timeout.count()));
  });
}

void Node::Impl::abandon() {
  for (auto& user : live_users()) user->abandon_for_node();
  if (node && state != State::stopped) node->crash();
  finish_start(asio::error::operation_aborted);
  state = State::stopped;
  if (ice) ice->stop();
  for (auto& done : std::exchange(on_stopped, {})) done();
  // What still runs for this node (handlers queued on the executor) says nothing more: the
  // program's log and event handlers may be gone with the Node.
  options.log = nullptr;
  options.on_event = nullptr;
}

Node::Node(asio::any_io_executor executor, NodeOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

Node::~Node() {
  if (impl_->identity_thread.joinable()) impl_->identity_thread.join();
  impl_->abandon();
}

void Node::start(std::function<void(error_code)> done) {
  auto& impl = *impl_;
  if (impl.state != State::idle) {
    done(impl.state == State::stopped || impl.state == State::stopping ? make_error_code(node_errc::stopped)
                                                                       : asio::error::already_started);
    return;
  }
  if (auto network = network_options(impl.options); !network) {
    impl.error = network.error();
    impl.state = State::stopped;
    return done(make_error_code(node_errc::bad_argument));
  }
  impl.state = State::starting;
  impl.start_done = std::move(done);
  // Files, HTTPS and key generation off the caller's executor; the answer is posted back.
  // The executor counts as busy meanwhile, so that io_context::run() does not return (nor a
  // poll() loop find it stopped) before the identity is back.
  asio::any_io_executor busy = asio::prefer(impl.executor, asio::execution::outstanding_work.tracked);
  impl.identity_thread = std::thread([weak = std::weak_ptr<Impl>(impl_), ex = std::move(busy),
                                      options = impl.options]() {
    boost::system::result<api::NodeIdentity, std::string> got = std::string();
    if (options.identity) {
      got = api::identity_from_text(options.identity->document, options.identity->key_pem,
                                    options.identity->certificate_pem);
    } else {
      api::IdentityRequest request;
      request.config = options.config;
      request.state_dir = options.state_dir;
      if (!options.user.empty()) request.user = options.user;
      if (!options.password.empty()) request.password = options.password;
      if (!options.ca_file.empty()) request.ca_file = options.ca_file;
      got = request.state_dir.empty()
                ? boost::system::result<api::NodeIdentity, std::string>(
                      boost::system::in_place_error, std::string("no identity and no state directory given"))
                : api::load_or_make_identity(request, [](const std::string&) {});
    }
    asio::post(ex, [weak, got = std::move(got)]() mutable {
      if (auto self = weak.lock()) self->begin(std::move(got));
    });
  });
}

void Node::stop(std::function<void()> done) {
  auto impl = impl_;
  switch (impl->state) {
    case State::idle:
    case State::stopped: impl->state = State::stopped; return done();
    case State::stopping: impl->on_stopped.push_back(std::move(done)); return;
    case State::starting:
      if (!impl->node) {  // still reading the identity: begin() finishes the stop
        impl->stop_requested = true;
        impl->on_stopped.push_back(std::move(done));
        return;
      }
      break;
    case State::joined: break;
  }
  impl->state = State::stopping;
  impl->on_stopped.push_back(std::move(done));
  impl->finish_start(asio::error::operation_aborted);
  auto users = impl->live_users();
  auto remaining = std::make_shared<std::size_t>(users.size() + 1);
  auto leave = [impl, remaining] {
    if (--*remaining) return;
    impl->node->leave([impl] {
      impl->state = State::stopped;
      // The ICE thread stops once the node has: an ICE session ending later has nowhere to post.
      if (impl->ice) impl->ice->stop();
      for (auto& d : std::exchange(impl->on_stopped, {})) d();
    });
  };
  for (auto& user : users) user->stop_for_node(leave);
  leave();
}

void Node::store(const std::string& resource, std::uint32_t kind_id, std::vector<StoredEntry> entries,
                 std::chrono::seconds lifetime, std::function<void(error_code)> done) {
  auto& impl = *impl_;
  if (impl.state != State::joined) return done(make_error_code(node_errc::not_started));
  const auto& configuration = impl.node->configuration();
  const auto* kind = configuration.find_kind(kind_id);
  if (!kind) return done(make_error_code(node_errc::unknown_kind));
  const auto rule = storage::access_rule(*kind, storage::StorageConfig::from(configuration));
  std::vector<wire::StoredDataValue> values;
  for (const auto& e : entries) {
    wire::DataValue v{e.exists, wire::Bytes(e.value.data(), e.value.size())};
    if (kind->data_model == wire::DataModel::array) values.push_back(wire::ArrayEntry{e.index, v});
    else if (kind->data_model == wire::DataModel::dictionary)
      values.push_back(wire::DictionaryEntry{wire::Bytes(e.key.data(), e.key.size()), v});
    else values.push_back(v);
  }
  node::store(*impl.node, wire::resource_id_of(resource, rule.resource_id_length), kind_id, values, lifetime,
              [impl = impl_, done = std::move(done)](boost::system::result<node::StoreResult> r) {
                if (!r) impl->error = r.error().message();
                done(r ? error_code{} : r.error());
              });
}

void Node::fetch(const std::string& resource, std::uint32_t kind_id,
                 std::function<void(error_code, std::vector<StoredEntry>)> done) {
  auto& impl = *impl_;
  if (impl.state != State::joined) return done(make_error_code(node_errc::not_started), {});
  const auto& configuration = impl.node->configuration();
  const auto* kind = configuration.find_kind(kind_id);
  if (!kind) return done(make_error_code(node_errc::unknown_kind), {});
  const auto rule = storage::access_rule(*kind, storage::StorageConfig::from(configuration));
  node::fetch(*impl.node, wire::resource_id_of(resource, rule.resource_id_length), {everything_of(*kind)},
              [impl = impl_, done = std::move(done)](boost::system::result<node::FetchResult> r) {
                std::vector<StoredEntry> out;
                if (!r) {
                  impl->error = r.error().message();
                  return done(r.error(), std::move(out));
                }
                for (const auto& k : r->answer.kind_responses)
                  for (const auto& v : k.values)
                    if (const auto* data = wire::data_value_of(v.value); data && data->exists)
                      out.push_back(entry_of(v.value));
                done({}, std::move(out));
              });
}

void Node::app_attach(const std::string& node_id, std::uint16_t application,
                      std::function<void(error_code, AppStream)> done) {
  auto& impl = *impl_;
  if (impl.state != State::joined) return done(make_error_code(node_errc::not_started), AppStream());
  auto peer = wire::NodeId::from_hex(node_id);
  if (!peer || peer->size() != impl.node->self().size()) {
    impl.error = fmt::format("'{}' is not a Node-ID of this overlay ({} hex digits)", node_id, 2 * impl.node->self().size());
    return done(make_error_code(node_errc::bad_argument), AppStream());
  }
  impl.node->async_app_attach(*peer, application,
                              [impl = impl_, done = std::move(done)](error_code ec, node::AppStream stream) {
                                if (ec) {
                                  impl->error = ec.message();
                                  return done(ec, AppStream());
                                }
                                done({}, AppStream(std::make_shared<AppStream::Impl>(std::move(stream))));
                              });
}

error_code Node::listen(std::uint16_t application, std::function<void(AppStream)> accept) {
  auto& impl = *impl_;
  if (impl.state != State::joined || !impl.node) return make_error_code(node_errc::not_started);
  // The acceptor is the program's: it is not called once the Node is gone.
  const bool taken = impl.node->listen(application, [weak = std::weak_ptr<Impl>(impl_), accept = std::move(accept)](
                                                         node::AppStream stream) {
    if (auto alive = weak.lock(); alive && alive->state == State::joined) accept(AppStream(std::make_shared<AppStream::Impl>(std::move(stream))));
  });
  if (!taken) {
    impl.error = fmt::format("application {} has an acceptor already", application);
    return make_error_code(node_errc::bad_argument);
  }
  return {};
}

void Node::stop_listening(std::uint16_t application) {
  if (impl_->node) impl_->node->stop_listening(application);
}

Node::State Node::state() const noexcept { return impl_->state; }
const asio::any_io_executor& Node::executor() const noexcept { return impl_->executor; }
const std::string& Node::error_message() const noexcept { return impl_->error; }
std::string Node::node_id() const { return impl_->identity ? impl_->identity->node_id.hex() : std::string(); }
std::string Node::user_name() const {
  if (!impl_->identity) return {};
  const auto& names = impl_->identity->certificate.user_names();
  return names.empty() ? std::string() : names.front();
}
std::string Node::xmpp_address() const {
  if (!impl_->identity) return {};
  auto jid = xmpp::certificate_jid(impl_->identity->certificate);
  return jid ? jid->bare_string() : std::string();
}
std::uint16_t Node::port() const { return impl_->node ? impl_->node->listen_endpoint().port() : 0; }
std::size_t Node::links() const { return impl_->node ? impl_->node->link_count() : 0; }

}  // namespace reload
