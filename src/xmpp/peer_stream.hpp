// One XMPP stream between two peers of the overlay (XEP-0415 section 6), as a sans-I/O state
// machine (DESIGN.md principle 1). It owns no socket, thread or clock: the shell that runs
// TLS (over TCP or over an ICE flow) feeds it the bytes it reads and the time, writes what
// pending_output() holds, and acts on the events.
//
// The shape is XEP-0174's (serverless messaging: jabber:client streams with 'from' and 'to',
// no SASL, no resource binding) with XEP-0415's trust: TLS is already up when the stream
// starts (direct TLS, no STARTTLS, no ALPN) and both ends presented certificates. The TLS
// shell checks the Node-ID and hands in the bare JID from the peer's certificate; the stream
// header's 'from' must name that JID, else <invalid-from/>.
//
//   initiator                                receiver
//   <?xml?><stream:stream from=A to=B ...>  ->
//                                           <-  <?xml?><stream:stream from=B to=A id=.. ...>
//                                           <-  <stream:features/>
//   (open)                                      (open, once its header and features are out)
//   stanzas both ways
//   </stream:stream>                        ->  (RFC 6120 section 4.4: the other end answers
//                                           <-  </stream:stream>     with its closing tag)
//
// Every failure ends the stream with a stream error (RFC 6120 section 4.9): its bytes, then
// the closing tag, are queued and Closed is reported at once. The parser is dead after an
// error, so waiting for the peer's closing tag would gain nothing; the shell flushes the
// output and closes TLS. One stream's failure never touches another PeerStream.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/system/error_code.hpp>

#include "xmpp/stream_error.hpp"
#include "xmpp/stream_header.hpp"
#include "xmpp/xml_element.hpp"
#include "xmpp/xml_stream_parser.hpp"

namespace reload::xmpp {

using StreamClock = std::chrono::steady_clock;
using StreamTime = StreamClock::time_point;

enum class StreamRole : std::uint8_t {
  initiator,  // opened the connection (sent the AppAttach); speaks first
  receiver,   // accepted it; answers the header with its own and empty features
};

struct PeerStreamSettings {
  StreamRole role = StreamRole::initiator;
  // Bare JIDs, prepared (RFC 7622) by the caller and compared here as strings. own_jid is this
  // end's, from its own certificate; peer_jid is the one in the peer's certificate.
  std::string own_jid;
  std::string peer_jid;
  // The receiver's stream id (RFC 6120 section 4.7.3): unique and unpredictable, so made by
  // the shell, which has the random source.
  std::string stream_id;
  XmlLimits limits;
  // From construction until the stream is open (the peer's header, and for the initiator the
  // features): <connection-timeout/> after that.
  std::chrono::milliseconds open_timeout{std::chrono::seconds(30)};
  // After our closing tag, how long to wait for the peer's (RFC 6120 section 4.4).
  std::chrono::milliseconds close_timeout{std::chrono::seconds(10)};
  // A single space is sent when nothing else was for this long (RFC 6120 section 4.6.1), so
  // that NAT bindings and the peer's idle checks stay happy. Zero: never.
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(60)};
  // <connection-timeout/> when nothing at all arrived for this long while open. Zero: never.
  std::chrono::milliseconds idle_timeout{0};
  // send_stanza() refuses a stanza while this much output is still unwritten: a peer that
  // stops reading must not make us buffer without bound. The shell sees the error.
  std::size_t max_pending_output = 1024 * 1024;
};

enum class CloseReason : std::uint8_t {
  clean,             // both closing tags exchanged (RFC 6120 section 4.4), whoever began
  local_error,       // we found a stream error (sent to the peer unless our stream had ended)
  peer_error,        // the peer sent <stream:error/>
  close_timeout,     // we closed; the peer's closing tag did not come in time
  transport_closed,  // the shell lost the byte stream before the closing tags were exchanged
};

std::string_view close_reason_name(CloseReason reason) noexcept;

namespace stream_event {
// The stream is open: stanzas may be sent and will arrive.
struct Opened {
  StreamHeader peer_header;
};
// A stanza (message, presence or iq in jabber:client) from the peer, as received: checking
// its 'from' against the peer's JID is the router's job (it needs JID preparation).
struct Stanza {
  Element stanza;
};
// The stream is over; nothing more will be reported. `error` is the stream_errc for
// local_error and peer_error, empty otherwise. `detail` says more, for logs.
struct Closed {
  CloseReason reason = CloseReason::clean;
  boost::system::error_code error;
  std::string detail;
};
}  // namespace stream_event

using StreamEvent = std::variant<stream_event::Opened, stream_event::Stanza, stream_event::Closed>;

class PeerStream : private XmlStreamHandler {
 public:
  enum class State : std::uint8_t {
    awaiting_header,    // the peer's stream header has not arrived
    awaiting_features,  // initiator: header arrived, <stream:features/> not yet
    open,
    closing,            // our closing tag is out; waiting for the peer's
    closed,
  };

  // The initiator's header is queued at once: construct when TLS is up.
  PeerStream(PeerStreamSettings settings, StreamTime now);
  PeerStream(const PeerStream&) = delete;
  PeerStream& operator=(const PeerStream&) = delete;

  // --- input -------------------------------------------------------------------------------
  // Bytes read from TLS, split anywhere. Ignored once closed.
  void put(std::string_view bytes, StreamTime now);
  // The byte stream ended or failed (TLS close_notify, EOF, reset).
  void on_transport_closed(StreamTime now);

  // --- output ------------------------------------------------------------------------------
  // Queues a stanza. Errors: boost::system::errc::not_connected unless open;
  // errc::message_size over limits.max_stanza_bytes (the peer would refuse it);
  // errc::no_buffer_space over max_pending_output; an xml_errc if it cannot be written.
  // Nothing is queued on error.
  boost::system::error_code send_stanza(const Element& stanza, StreamTime now);
  // Closes as RFC 6120 section 4.4 says: our closing tag now, Closed when the peer's arrives
  // (stanzas that come before it are still reported) or after close_timeout.
  void close(StreamTime now);
  // Ends the stream with a stream error (e.g. <system-shutdown/>, <conflict/>, or
  // <policy-violation/> from a rate limit above this layer). Closed is reported at once.
  void close_with_error(stream_errc condition, StreamTime now, std::string detail = {});

  // --- time --------------------------------------------------------------------------------
  // When on_timer() must next be called; nullopt when closed.
  std::optional<StreamTime> next_deadline() const;
  void on_timer(StreamTime now);
  // on_timer(now), then the next wake-up (StreamTime::max() when none), as OpenDHT's
  // periodic() does.
  StreamTime periodic(StreamTime now);

  // --- effects -----------------------------------------------------------------------------
  // Bytes to write to TLS, in order. consume_output(n) after n of them were written.
  std::string_view pending_output() const noexcept {
    return std::string_view(output_).substr(output_begin_);
  }
  void consume_output(std::size_t n) noexcept;
  std::vector<StreamEvent> take_events() { return std::exchange(events_, {}); }
  bool has_events() const noexcept { return !events_.empty(); }

  State state() const noexcept { return state_; }
  // Closed and all output taken: the shell may close TLS.
  bool finished() const noexcept { return state_ == State::closed && pending_output().empty(); }
  const PeerStreamSettings& settings() const noexcept { return settings_; }
  // The peer's stream header, once it arrived.
  const std::optional<StreamHeader>& peer_header() const noexcept { return peer_header_; }

 private:
  bool on_stream_open(StreamRoot& root) override;
  bool on_stanza(Element& stanza) override;
  void on_stream_close() override;

  void send_own_header();
  void append_output(std::string_view bytes);
  void fail(stream_errc condition, std::string detail);
  void finish(CloseReason reason, boost::system::error_code error, std::string detail);
  void become_open();

  PeerStreamSettings settings_;
  XmlStreamParser parser_;
  State state_ = State::awaiting_header;
  std::optional<StreamHeader> peer_header_;
  bool header_sent_ = false;
  bool closing_tag_sent_ = false;

  std::string output_;
  std::size_t output_begin_ = 0;
  std::vector<StreamEvent> events_;

  StreamTime now_;              // the time of the call being handled (for parser callbacks)
  StreamTime open_deadline_;
  StreamTime close_deadline_;
  StreamTime last_output_at_;
  StreamTime last_input_at_;
};

}  // namespace reload::xmpp
