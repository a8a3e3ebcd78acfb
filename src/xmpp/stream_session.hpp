// The Asio shell of one XMPP stream between two peers (XEP-0415 section 6): it runs the
// sans-I/O PeerStream (peer_stream.hpp) over a direct TLS connection (XEP-0368's direct
// TLS: no STARTTLS, and here no ALPN either), on the project's one TLS engine (TlsSocket)
// over whatever carries it: a TCP socket, or an AppAttach stream over ICE. Three coroutines
// share the session: the reader feeds PeerStream what TLS delivers, the writer drains its
// output, and the ticker drives its timers. When PeerStream is finished the writer sends
// TLS close_notify (bounded by shutdown_timeout) and closes the connection.
//
// A session lives on one executor (DESIGN.md principle 2): its handler is called there, and
// start(), send() and close() must be called there too. Sessions are made by dial_stream()
// (stream_dial.hpp), StreamAcceptor (stream_acceptor.hpp) and the XMPP usage over AppAttach
// after the peer's certificate was verified, so nothing is written to a peer that is not the
// one we meant to reach.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "transport/tls_socket.hpp"
#include "xmpp/peer_stream.hpp"
#include "xmpp/xmpp_tls_identity.hpp"

namespace reload::xmpp {

namespace asio = boost::asio;

struct StreamOptions {
  // Declared, so that this is no aggregate: g++ 12 miscompiles an aggregate temporary built
  // inside a co_await expression (`co_await dial_stream(..., StreamOptions{})` copied its
  // strings bitwise and freed them twice). Class types with constructors are not affected.
  StreamOptions() = default;

  // Limits and timers of the XMPP stream. role, own_jid, peer_jid and stream_id are filled
  // in by dial_stream() and StreamAcceptor.
  PeerStreamSettings stream;
  // TCP connect plus TLS handshake: a peer that connects and says nothing loses its slot.
  std::chrono::milliseconds handshake_timeout{10000};
  // Sending our close_notify after the closing tags; then the connection is closed regardless.
  std::chrono::milliseconds shutdown_timeout{2000};
};

class StreamSession;

// What a session reports, on its executor. After on_stream_closed nothing more is called.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // Stanzas may be sent from now on.
  virtual void on_stream_open(StreamSession& session) = 0;
  // A message, presence or iq from the peer, as received: checking its 'from' is the
  // router's job. The handler may keep it (move from it): the session holds no other copy.
  virtual void on_stanza(StreamSession& session, Element&& stanza) = 0;
  virtual void on_stream_closed(StreamSession& session, const stream_event::Closed& why) = 0;
};

class StreamSession : public std::enable_shared_from_this<StreamSession> {
 public:
  using Stream = transport::TlsSocket;

  // `stream` has finished its handshake and `peer` was verified; `settings` are complete
  // (role, both JIDs, the receiver's stream id). An initiator's header is queued at once and
  // written when start() is called.
  StreamSession(Stream stream, StreamPeer peer, PeerStreamSettings settings,
                std::chrono::milliseconds shutdown_timeout);
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;

  // Starts reading, writing and the timers; `handler` must outlive the session or its
  // on_stream_closed call, whichever comes first, unless it detach()es first.
  void start(StreamHandler& handler);
  // Queues a stanza: PeerStream::send_stanza's error (not_connected unless open,
  // message_size, no_buffer_space while the peer is not reading, an xml_errc).
  boost::system::error_code send(const Element& stanza);
  // Our closing tag now; on_stream_closed when the peer's arrives or after its timeout.
  void close();
  // Ends the stream with a stream error (<conflict/>, <system-shutdown/>, ...).
  void close_with_error(stream_errc condition, std::string detail = {});
  // Drops the connection at once: no closing tag, no close_notify (a host going away).
  void abort() { stream_.close(); }
  // The handler goes away: nothing more is called on it; the session ends on its own (a
  // stream closed before its owner was destroyed finishes its closing handshake).
  void detach() noexcept { handler_ = nullptr; }

  const StreamPeer& peer() const noexcept { return peer_; }
  const Jid& peer_jid() const noexcept { return peer_.jid; }
  PeerStream::State state() const noexcept { return stream_state_.state(); }
  bool is_open() const noexcept { return state() == PeerStream::State::open; }
  // The ALPN protocol TLS agreed on: always empty here (XEP-0415 section 6.1).
  std::string negotiated_alpn() const;
  // True once TLS is shut down (or given up on) and the socket closed: the session will do
  // nothing more.
  bool transport_closed() const noexcept { return transport_closed_; }
  asio::any_io_executor get_executor() noexcept { return stream_.get_executor(); }

 private:
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> timer_loop();
  asio::awaitable<void> shut_down_transport();
  // After every call into PeerStream: report its events, wake the writer, move the timer.
  void after_change();
  void deliver(StreamEvent& event);
  void wake_writer() { writer_wake_.cancel(); }
  // Hands what PeerStream queued to TLS at once when the writer is idle (one hand-over less
  // per stanza), else to the writer.
  void write_now();

  Stream stream_;
  StreamPeer peer_;
  PeerStream stream_state_;
  std::chrono::milliseconds shutdown_timeout_;
  StreamHandler* handler_ = nullptr;

  asio::steady_timer writer_wake_;
  asio::steady_timer ticker_;
  StreamTime ticker_armed_for_ = StreamTime::max();
  std::string writing_;       // bytes the writer holds until TLS took them
  bool writer_idle_ = false;  // the writer sleeps and holds nothing
  std::array<std::uint8_t, 16 * 1024> read_buffer_{};
  bool started_ = false;
  bool delivering_ = false;
  bool transport_closed_ = false;
};

}  // namespace reload::xmpp
