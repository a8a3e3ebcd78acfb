// reload.h on top of reload::Node and reload::xmpp::Endpoint: one io_context per handle,
// run only inside reload_node_poll() and reload_node_run_for().
#include "reload/reload.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include "reload/node.hpp"
#include "reload/xmpp.hpp"

namespace asio = boost::asio;
using boost::system::error_code;

// A handle the program holds until reload_stream_close(); what the stream's pending reads
// and writes need is in State, which they keep alive, so that a handle closed (freed) while
// they wait is never touched: they see `closed` and return.
struct reload_stream {
  struct State {
    reload::AppStream stream;
    reload_stream_data_fn on_data = nullptr;
    void* data_user = nullptr;
    std::deque<std::string> out;  // what waits to be written, in order
    bool writing = false, reading = false, ended = false, closed = false;
    std::array<unsigned char, 16384> in{};
  };
  std::shared_ptr<State> state;
  reload_node* node = nullptr;
  std::string peer;
};

struct reload_node {
  asio::io_context io{1};
  reload::NodeOptions options;
  std::string resource;  // empty: no XMPP device
  bool dial_in_order = false;
  std::unique_ptr<reload::Node> node;
  std::unique_ptr<reload::xmpp::Endpoint> endpoint;
  reload_log_fn log = nullptr;
  void* log_user = nullptr;
  reload_event_fn event = nullptr;
  void* event_user = nullptr;
  reload_message_fn message = nullptr;
  void* message_user = nullptr;
  std::string error, text;  // text: what the last string getter returned
  std::vector<std::unique_ptr<reload_stream>> streams;  // open until reload_stream_close

  reload_stream* adopt(reload::AppStream s) {
    auto handle = std::make_unique<reload_stream>();
    handle->state = std::make_shared<reload_stream::State>();
    handle->peer = s.peer();
    handle->state->stream = std::move(s);
    handle->node = this;
    streams.push_back(std::move(handle));
    return streams.back().get();
  }

  void tell(int type, const std::string& subject, const std::string& detail) {
    if (event) event(event_user, type, subject.empty() ? nullptr : subject.c_str(), detail.empty() ? nullptr : detail.c_str());
  }
  int refuse(int code, std::string why) {
    error = std::move(why);
    return code;
  }
};

namespace {

// "LOCAL REMOTE" candidate types, "?" for one ICE did not report.
std::string joined_words(const std::string& local, const std::string& remote) {
  return (local.empty() ? "?" : local) + ' ' + (remote.empty() ? "?" : remote);
}

int set_option(reload_node* n, std::string_view name, const char* value) {
  auto& o = n->options;
  std::string v = value;
  // A boolean is "1" or "true", "0" or "false": anything else is refused, not read as false.
  auto flag = [&](bool& to) -> int {
    if (v == "1" || v == "true") to = true;
    else if (v == "0" || v == "false") to = false;
    else return n->refuse(RELOAD_E_ARGUMENT, std::string(name) + " " + v + ": expected 1, 0, true or false");
    return RELOAD_OK;
  };
  auto identity = [&]() -> reload::NodeOptions::Identity& {
    if (!o.identity) o.identity.emplace();
    return *o.identity;
  };
  if (name == "config") o.config = v;
  else if (name == "state-dir") o.state_dir = v;
  else if (name == "user") o.user = v;
  else if (name == "password") o.password = v;
  else if (name == "ca-file") o.ca_file = v;
  else if (name == "identity-document") identity().document = v;
  else if (name == "identity-key") identity().key_pem = v;
  else if (name == "identity-certificate") identity().certificate_pem = v;
  else if (name == "listen") o.listen = v;
  else if (name == "bootstrap") o.bootstrap.push_back(v);
  else if (name == "create") return flag(o.may_create);
  else if (name == "ice-address") o.ice_addresses.push_back(v);
  else if (name == "stun") o.stun = v;
  else if (name == "ice-thread") return flag(o.ice_thread);
  else if (name == "xmpp-resource") n->resource = v;
  else if (name == "xmpp-dial-in-order") return flag(n->dial_in_order);
  else if (name == "join-timeout") {
    unsigned seconds = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc() || end != v.data() + v.size() || seconds == 0)
      return n->refuse(RELOAD_E_ARGUMENT, "join-timeout " + v + ": expected a number of seconds");
    o.join_timeout = std::chrono::seconds(seconds);
  } else if (name == "log-level") {
    if (v == "debug") o.log_level = reload::LogLevel::debug;
    else if (v == "info") o.log_level = reload::LogLevel::info;
    else if (v == "warning") o.log_level = reload::LogLevel::warning;
    else if (v == "error") o.log_level = reload::LogLevel::error;
    else return n->refuse(RELOAD_E_ARGUMENT, "log-level " + v + ": expected debug, info, warning or error");
  } else {
    return n->refuse(RELOAD_E_ARGUMENT, "unknown option " + std::string(name));
  }
  return RELOAD_OK;
}

int event_type(reload::NodeEvent::Type t) {
  using T = reload::NodeEvent::Type;
  switch (t) {
    case T::link_up: return RELOAD_EVENT_LINK_UP;
    case T::link_down: return RELOAD_EVENT_LINK_DOWN;
    case T::neighbors_changed: return RELOAD_EVENT_NEIGHBORS;
    case T::app_attached: return RELOAD_EVENT_APP_ATTACHED;
    case T::stopped: return RELOAD_EVENT_STOPPED;
    case T::joined: break;
  }
  return 0;  // joined: RELOAD_EVENT_STARTED says it
}

}  // namespace

extern "C" {

reload_node* reload_node_new(void) {
  try {
    return new reload_node();
  } catch (...) {
    return nullptr;
  }
}

void reload_node_free(reload_node* n) {
  if (!n) return;
  for (auto& h : n->streams) {
    h->state->closed = true;
    h->state->stream.close();
  }
  n->streams.clear();
  n->endpoint.reset();
  n->node.reset();
  delete n;
}

int reload_node_set(reload_node* n, const char* option, const char* value) {
  if (!n || !option || !value) return RELOAD_E_ARGUMENT;
  if (n->node) return n->refuse(RELOAD_E_STATE, "options are set before reload_node_start");
  return set_option(n, option, value);
}

void reload_node_on_log(reload_node* n, reload_log_fn fn, void* user) {
  if (!n) return;
  n->log = fn;
  n->log_user = user;
}

void reload_node_on_event(reload_node* n, reload_event_fn fn, void* user) {
  if (!n) return;
  n->event = fn;
  n->event_user = user;
}

void reload_node_on_message(reload_node* n, reload_message_fn fn, void* user) {
  if (!n) return;
  n->message = fn;
  n->message_user = user;
}

int reload_node_start(reload_node* n) {
  if (!n) return RELOAD_E_ARGUMENT;
  if (n->node) return n->refuse(RELOAD_E_STATE, "started already");
  auto options = n->options;
  options.log = [n](reload::LogLevel level, std::string_view line) {
    if (n->log) n->log(n->log_user, static_cast<int>(level), std::string(line).c_str());
  };
  options.on_event = [n](const reload::NodeEvent& e) {
    if (int type = event_type(e.type))
      n->tell(type, e.peer, e.type == reload::NodeEvent::Type::app_attached
                                ? joined_words(e.local_candidate, e.remote_candidate)
                                : std::string());
  };
  n->node = std::make_unique<reload::Node>(n->io.get_executor(), std::move(options));
  if (!n->resource.empty()) {
    reload::xmpp::EndpointOptions e;
    e.resource = n->resource;
    e.dial_in_order = n->dial_in_order;
    e.on_stanza = [n](const reload::xmpp::Stanza& s) {
      if (!n->message) return;
      const int flags = (s.sent_carbon ? RELOAD_MESSAGE_SENT_CARBON : 0) | (s.received_carbon ? RELOAD_MESSAGE_RECEIVED_CARBON : 0);
      n->message(n->message_user, s.from.c_str(), s.to.c_str(), s.body.c_str(), s.xml.c_str(), flags);
    };
    e.on_device = [n](const reload::xmpp::DeviceChange& c) {
      if (c.connected) n->tell(RELOAD_EVENT_DEVICE_UP, c.user, c.node_id + ' ' + joined_words(c.local_candidate, c.remote_candidate));
      else n->tell(RELOAD_EVENT_DEVICE_DOWN, c.user, c.node_id);
    };
    e.on_undeliverable = [n](const reload::xmpp::Stanza& s, error_code why) {
      n->tell(RELOAD_EVENT_UNDELIVERABLE, s.to, why.message());
      return true;
    };
    n->endpoint = std::make_unique<reload::xmpp::Endpoint>(*n->node, std::move(e));
  }
  n->node->async_start([n](error_code ec) {
    if (ec) n->error = n->node->error_message().empty() ? ec.message() : n->node->error_message();
    n->tell(RELOAD_EVENT_STARTED, {}, ec ? n->error : std::string());
  });
  return RELOAD_OK;
}

int reload_node_stop(reload_node* n) {
  if (!n) return RELOAD_E_ARGUMENT;
  if (!n->node) return n->refuse(RELOAD_E_STATE, "not started");
  n->node->async_stop([] {});  // the node's own stopped event tells the program
  return RELOAD_OK;
}

int reload_node_poll(reload_node* n) {
  if (!n) return RELOAD_E_ARGUMENT;
  n->io.restart();
  return static_cast<int>(n->io.poll());
}

int reload_node_run_for(reload_node* n, int milliseconds) {
  if (!n || milliseconds < 0) return RELOAD_E_ARGUMENT;
  n->io.restart();
  return static_cast<int>(n->io.run_for(std::chrono::milliseconds(milliseconds)));
}

int reload_node_send_message(reload_node* n, const char* to, const char* body) {
  if (!n || !to || !body) return RELOAD_E_ARGUMENT;
  if (!n->endpoint) return n->refuse(RELOAD_E_STATE, "no XMPP device (set xmpp-resource before starting)");
  if (auto ec = n->endpoint->send_message(to, body)) return n->refuse(RELOAD_E_SEND, ec.message());
  return RELOAD_OK;
}

namespace {

void read_next(reload_stream* h) {
  auto st = h->state;
  if (st->reading || st->ended || st->closed || !st->on_data) return;
  st->reading = true;
  st->stream.async_read_some(asio::buffer(st->in), [st, h](error_code ec, std::size_t n) {
    st->reading = false;
    if (st->closed) return;  // h is gone
    if (ec) {
      st->ended = true;
      st->on_data(st->data_user, h, nullptr, 0);
      return;
    }
    st->on_data(st->data_user, h, st->in.data(), n);
    if (!st->closed) read_next(h);
  });
}

void write_next(reload_stream* h) {
  auto st = h->state;
  if (st->writing || st->out.empty() || st->closed) return;
  st->writing = true;
  asio::async_write(st->stream, asio::buffer(st->out.front()), [st, h](error_code ec, std::size_t) {
    st->writing = false;
    if (st->closed) return;
    st->out.pop_front();
    if (ec) {
      st->ended = true;
      st->out.clear();
      return;
    }
    write_next(h);
  });
}

}  // namespace

int reload_node_app_attach(reload_node* n, const char* node_id, unsigned short application, reload_stream_fn fn,
                           void* user) {
  if (!n || !node_id || !fn) return RELOAD_E_ARGUMENT;
  if (!n->node || n->node->state() != reload::Node::State::joined) return n->refuse(RELOAD_E_STATE, "the node has not joined");
  n->node->async_app_attach(node_id, application, [n, fn, user](error_code ec, reload::AppStream s) {
    if (ec) {
      const std::string why = ec.message();
      fn(user, nullptr, why.c_str());
      return;
    }
    fn(user, n->adopt(std::move(s)), nullptr);
  });
  return RELOAD_OK;
}

int reload_node_listen(reload_node* n, unsigned short application, reload_stream_fn fn, void* user) {
  if (!n || !fn) return RELOAD_E_ARGUMENT;
  if (!n->node) return n->refuse(RELOAD_E_STATE, "the node has not joined");
  auto ec = n->node->listen(application, [n, fn, user](reload::AppStream s) { fn(user, n->adopt(std::move(s)), nullptr); });
  if (ec == reload::node_errc::not_started) return n->refuse(RELOAD_E_STATE, ec.message());
  if (ec) return n->refuse(RELOAD_E_ARGUMENT, n->node->error_message());
  return RELOAD_OK;
}

void reload_stream_on_data(reload_stream* h, reload_stream_data_fn fn, void* user) {
  if (!h) return;
  h->state->on_data = fn;
  h->state->data_user = user;
  read_next(h);
}

int reload_stream_send(reload_stream* h, const void* data, size_t size) {
  if (!h || (!data && size)) return RELOAD_E_ARGUMENT;
  if (h->state->ended || h->state->closed) return RELOAD_E_STATE;
  if (size == 0) return RELOAD_OK;
  h->state->out.emplace_back(static_cast<const char*>(data), size);
  write_next(h);
  return RELOAD_OK;
}

const char* reload_stream_peer(const reload_stream* h) { return h ? h->peer.c_str() : ""; }

void reload_stream_close(reload_stream* h) {
  if (!h) return;
  h->state->closed = true;
  h->state->stream.close();
  auto& streams = h->node->streams;
  streams.erase(std::remove_if(streams.begin(), streams.end(), [h](const auto& p) { return p.get() == h; }), streams.end());
}

int reload_node_send_stanza(reload_node* n, const char* xml) {
  if (!n || !xml) return RELOAD_E_ARGUMENT;
  if (!n->endpoint) return n->refuse(RELOAD_E_STATE, "no XMPP device (set xmpp-resource before starting)");
  if (auto ec = n->endpoint->send(xml)) return n->refuse(RELOAD_E_SEND, ec.message());
  return RELOAD_OK;
}

int reload_node_state(const reload_node* n) {
  if (!n || !n->node) return RELOAD_STATE_IDLE;
  return static_cast<int>(n->node->state());
}

const char* reload_node_id(reload_node* n) {
  if (!n) return "";
  n->text = n->node ? n->node->node_id() : std::string();
  return n->text.c_str();
}

const char* reload_node_jid(reload_node* n) {
  if (!n) return "";
  n->text = n->endpoint ? n->endpoint->jid() : std::string();
  return n->text.c_str();
}

const char* reload_node_error(reload_node* n) { return n ? n->error.c_str() : "no node"; }

int reload_node_connected_devices(reload_node* n, const char* bare_jid) {
  if (!n || !bare_jid) return RELOAD_E_ARGUMENT;
  if (!n->endpoint) return 0;
  for (const auto& [user, count] : n->endpoint->connected())
    if (user == bare_jid) return static_cast<int>(count);
  return 0;
}

}  // extern "C"
