#include "xmpp/peer_stream.hpp"

#include <algorithm>

#include <boost/system/errc.hpp>

#include "xmpp/xml_writer.hpp"

namespace reload::xmpp {

namespace {

constexpr std::string_view closing_tag = "</stream:stream>";

// The bare part of a JID: everything before the resource's '/', which neither the localpart
// nor the domainpart may contain (RFC 7622 section 3).
std::string_view bare_part(std::string_view jid) noexcept { return jid.substr(0, jid.find('/')); }

std::string describe_duration(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

}  // namespace

std::string_view close_reason_name(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::clean: return "clean";
    case CloseReason::local_error: return "local-error";
    case CloseReason::peer_error: return "peer-error";
    case CloseReason::close_timeout: return "close-timeout";
    case CloseReason::transport_closed: return "transport-closed";
  }
  return "unknown";
}

PeerStream::PeerStream(PeerStreamSettings settings, StreamTime now)
    : settings_(std::move(settings)),
      parser_(static_cast<XmlStreamHandler&>(*this), settings_.limits),
      now_(now),
      open_deadline_(now + settings_.open_timeout),
      close_deadline_(StreamTime::max()),
      last_output_at_(now),
      last_input_at_(now) {
  if (settings_.role == StreamRole::initiator) send_own_header();
}

// --- output helpers ----------------------------------------------------------------------

void PeerStream::append_output(std::string_view bytes) {
  output_.append(bytes);
  last_output_at_ = now_;
}

void PeerStream::send_own_header() {
  StreamHeader h;
  h.from = settings_.own_jid;
  h.to = settings_.peer_jid;
  if (settings_.role == StreamRole::receiver) h.id = settings_.stream_id;
  h.version = std::string(stream_version);
  std::string bytes;
  const auto ec = append_stream_header(bytes, h);
  header_sent_ = true;
  if (!ec) {
    append_output(bytes);
    return;
  }
  // Our own JIDs cannot be written (not UTF-8): a bug or bad settings, not the peer's fault.
  // Send a bare header so that the error that follows is well-formed.
  append_stream_header(bytes, StreamHeader{});
  append_output(bytes);
  fail(stream_errc::internal_server_error, "own stream header cannot be written: " + ec.message());
}

void PeerStream::consume_output(std::size_t n) noexcept {
  output_begin_ += std::min(n, output_.size() - output_begin_);
  if (output_begin_ == output_.size()) {
    output_.clear();
    output_begin_ = 0;
  } else if (output_begin_ > 64 * 1024 && output_begin_ > output_.size() / 2) {
    // Compact now and then rather than on every write: erasing a prefix moves the rest.
    output_.erase(0, output_begin_);
    output_begin_ = 0;
  }
}

void PeerStream::finish(CloseReason reason, boost::system::error_code error, std::string detail) {
  state_ = State::closed;
  events_.emplace_back(stream_event::Closed{reason, error, std::move(detail)});
}

void PeerStream::fail(stream_errc condition, std::string detail) {
  if (state_ == State::closed) return;
  // RFC 6120 section 4.9.1.3: an error before our header still goes out inside a stream.
  if (!header_sent_) send_own_header();
  if (state_ == State::closed) return;  // the header itself failed and said so
  if (!closing_tag_sent_) {
    std::string bytes;
    append_stream_error(bytes, condition);
    bytes += closing_tag;
    append_output(bytes);
    closing_tag_sent_ = true;
  }
  finish(CloseReason::local_error, condition, std::move(detail));
}

void PeerStream::become_open() {
  state_ = State::open;
  last_input_at_ = now_;
  events_.emplace_back(stream_event::Opened{*peer_header_});
}

// --- input -------------------------------------------------------------------------------

void PeerStream::put(std::string_view bytes, StreamTime now) {
  if (state_ == State::closed) return;
  now_ = now;
  last_input_at_ = now;
  boost::system::error_code ec;
  parser_.put(bytes, ec);
  if (ec && state_ != State::closed)
    fail(ec.category() == stream_category() ? static_cast<stream_errc>(ec.value())
                                            : stream_errc::undefined_condition,
         parser_.error_detail());
}

void PeerStream::on_transport_closed(StreamTime now) {
  if (state_ == State::closed) return;
  now_ = now;
  finish(CloseReason::transport_closed, {}, "transport closed before the closing tags");
}

bool PeerStream::on_stream_open(StreamRoot& root) {
  StreamHeader header = read_stream_header(root);
  if (auto condition = check_stream_header(root, header)) {
    fail(*condition, *condition == stream_errc::unsupported_version
                         ? "stream version '" + header.version + "'"
                         : "stream namespace or content namespace wrong");
    return false;
  }
  // XEP-0415 section 6 authenticates by certificate: the JID the stream claims must be the
  // one the peer's certificate carries.
  if (header.from.empty() || bare_part(header.from) != settings_.peer_jid) {
    fail(stream_errc::invalid_from, "stream from '" + header.from + "', certificate says '" +
                                        settings_.peer_jid + "'");
    return false;
  }
  if (!header.to.empty() && bare_part(header.to) != settings_.own_jid) {
    fail(stream_errc::host_unknown, "stream to '" + header.to + "'");
    return false;
  }
  peer_header_ = std::move(header);
  if (settings_.role == StreamRole::initiator) {
    state_ = State::awaiting_features;
    return true;
  }
  send_own_header();
  if (state_ == State::closed) return false;
  // No SASL, no binding, no STARTTLS to offer: the stream is usable at once.
  append_output("<stream:features/>");
  become_open();
  return true;
}

bool PeerStream::on_stanza(Element& stanza) {
  if (stanza.ns() == ns::streams) {
    if (stanza.name() == "error") {
      const stream_errc condition = stream_error_condition(stanza);
      if (!closing_tag_sent_) {
        append_output(closing_tag);
        closing_tag_sent_ = true;
      }
      const Element* text = stanza.child(ns::stream_errors, "text");
      finish(CloseReason::peer_error, condition, text ? text->text() : std::string());
      return false;
    }
    if (stanza.name() == "features" && state_ == State::awaiting_features) {
      // Whatever it offers, nothing is negotiated on these streams (the receiver offers
      // nothing): the stream is open.
      become_open();
      return true;
    }
    fail(stream_errc::unsupported_stanza_type, "<stream:" + stanza.name() + "/> not expected");
    return false;
  }
  if (state_ == State::awaiting_features) {
    fail(stream_errc::not_authorized, "<" + stanza.name() + "/> before stream features");
    return false;
  }
  if (stanza.ns() != ns::client ||
      (stanza.name() != "message" && stanza.name() != "presence" && stanza.name() != "iq")) {
    fail(stream_errc::unsupported_stanza_type,
         "first-level element {" + stanza.ns() + "}" + stanza.name());
    return false;
  }
  events_.emplace_back(stream_event::Stanza{std::move(stanza)});
  return true;
}

void PeerStream::on_stream_close() {
  // RFC 6120 section 4.4: answer the peer's closing tag with ours, unless ours went first.
  if (!closing_tag_sent_) {
    append_output(closing_tag);
    closing_tag_sent_ = true;
  }
  finish(CloseReason::clean, {}, {});
}

// --- output ------------------------------------------------------------------------------

boost::system::error_code PeerStream::send_stanza(const Element& stanza, StreamTime now) {
  if (state_ != State::open) return make_error_code(boost::system::errc::not_connected);
  if (pending_output().size() >= settings_.max_pending_output)
    return make_error_code(boost::system::errc::no_buffer_space);
  const std::size_t before = output_.size();
  // Stanzas are written into the stream's scope: jabber:client is the default namespace
  // there and `stream:` is bound, so neither is declared again.
  if (auto ec = write_element(stanza, output_, WriteContext{ns::client, true})) return ec;
  if (output_.size() - before > settings_.limits.max_stanza_bytes) {
    output_.resize(before);
    return make_error_code(boost::system::errc::message_size);
  }
  last_output_at_ = now;
  return {};
}

void PeerStream::close(StreamTime now) {
  if (state_ == State::closed || state_ == State::closing) return;
  now_ = now;
  if (!header_sent_) send_own_header();
  if (state_ == State::closed) return;
  if (!closing_tag_sent_) {
    append_output(closing_tag);
    closing_tag_sent_ = true;
  }
  state_ = State::closing;
  close_deadline_ = now + settings_.close_timeout;
}

void PeerStream::close_with_error(stream_errc condition, StreamTime now, std::string detail) {
  now_ = now;
  fail(condition, std::move(detail));
}

// --- time --------------------------------------------------------------------------------

std::optional<StreamTime> PeerStream::next_deadline() const {
  switch (state_) {
    case State::awaiting_header:
    case State::awaiting_features:
      return open_deadline_;
    case State::open: {
      std::optional<StreamTime> next;
      auto earliest = [&](StreamTime t) { next = next ? std::min(*next, t) : t; };
      if (settings_.keepalive_interval.count() > 0)
        earliest(last_output_at_ + settings_.keepalive_interval);
      if (settings_.idle_timeout.count() > 0) earliest(last_input_at_ + settings_.idle_timeout);
      return next;
    }
    case State::closing:
      return close_deadline_;
    case State::closed:
      return std::nullopt;
  }
  return std::nullopt;
}

void PeerStream::on_timer(StreamTime now) {
  now_ = now;
  switch (state_) {
    case State::awaiting_header:
    case State::awaiting_features:
      if (now >= open_deadline_)
        fail(stream_errc::connection_timeout,
             "stream not open after " + describe_duration(settings_.open_timeout));
      return;
    case State::open:
      if (settings_.idle_timeout.count() > 0 && now >= last_input_at_ + settings_.idle_timeout) {
        fail(stream_errc::connection_timeout,
             "nothing received for " + describe_duration(settings_.idle_timeout));
        return;
      }
      if (settings_.keepalive_interval.count() > 0 &&
          now >= last_output_at_ + settings_.keepalive_interval) {
        // With output still unwritten a space would only queue behind it; either way the
        // interval starts again.
        if (pending_output().empty()) output_ += ' ';
        last_output_at_ = now;
      }
      return;
    case State::closing:
      if (now >= close_deadline_)
        finish(CloseReason::close_timeout, {},
               "no closing tag from the peer after " + describe_duration(settings_.close_timeout));
      return;
    case State::closed:
      return;
  }
}

StreamTime PeerStream::periodic(StreamTime now) {
  on_timer(now);
  return next_deadline().value_or(StreamTime::max());
}

}  // namespace reload::xmpp
