// A streaming parser for one XMPP stream (RFC 6120 section 4): the stream header, then one
// complete top-level element (a stanza) at a time, then the closing tag. expat does the
// parsing (namespaces on); this class turns its callbacks into stream events, builds each
// stanza as an Element, and enforces restricted XML (RFC 6120 section 11) and size limits.
//
// Sans-I/O and incremental, like Boost.Beast's parsers: put() takes whatever bytes arrived,
// split anywhere (inside a tag, a character reference, a UTF-8 sequence), and calls the
// handler for every event they complete. The one parser lives as long as the stream.
//
// Refused, each as the stream error condition to send:
//  * DOCTYPE (so any DTD, internal subset or entity declaration: a billion-laughs document
//    is refused at `<!DOCTYPE`, before one entity is declared), comments, processing
//    instructions, references to entities other than the five predefined: <restricted-xml/>
//  * a stanza larger than max_stanza_bytes, nested deeper than max_depth, an element with
//    more than max_attributes: <policy-violation/>
//  * an encoding other than UTF-8 declared, or UTF-16 (which expat would otherwise detect by
//    its first bytes): <unsupported-encoding/>
//  * an unbound namespace prefix: <bad-namespace-prefix/>
//  * non-whitespace text between stanzas: <bad-format/>
//  * anything else expat rejects: <not-well-formed/>
// Whitespace between stanzas is allowed (RFC 6120 section 4.6.1 keepalives).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>

#include "xmpp/stream_error.hpp"
#include "xmpp/xml_element.hpp"

struct XML_ParserStruct;

namespace reload::xmpp {

struct XmlLimits {
  // Bytes of one stanza, '<' of its start tag to '>' of its end tag. The same bound applies to
  // the prolog plus stream header, and to bytes buffered between stanzas, so expat never holds
  // more than this (plus one byte) of a token it has not finished.
  std::size_t max_stanza_bytes = 64 * 1024;
  // Elements nested in a stanza, the stanza itself counting 1.
  std::size_t max_depth = 32;
  std::size_t max_attributes = 64;  // per element
};

// The stream header as parsed: the root element's name and attributes (no children), and
// the default namespace it declares (RFC 6120 section 4.8.2, the content namespace).
struct StreamRoot {
  Element element;
  std::optional<std::string> default_namespace;
};

// Receives the events of one stream. Called from inside put(); a handler must not destroy the
// parser. Returning false from on_stream_open or on_stanza stops the parser: put() returns
// without error, the rest of the input is not parsed, and later put() calls do nothing.
class XmlStreamHandler {
 public:
  virtual bool on_stream_open(StreamRoot& root) = 0;
  // The stanza may be moved from.
  virtual bool on_stanza(Element& stanza) = 0;
  // The peer's closing stream tag arrived; nothing more will be parsed.
  virtual void on_stream_close() = 0;

 protected:
  ~XmlStreamHandler() = default;
};

class XmlStreamParser {
 public:
  enum class State : std::uint8_t {
    before_header,  // waiting for the stream header
    in_stream,      // header seen, stanzas flow
    closed,         // the closing stream tag arrived
    stopped,        // the handler asked to stop
    failed,         // error() says why
  };

  explicit XmlStreamParser(XmlStreamHandler& handler, XmlLimits limits = {});
  ~XmlStreamParser();
  XmlStreamParser(const XmlStreamParser&) = delete;
  XmlStreamParser& operator=(const XmlStreamParser&) = delete;

  // Parses `bytes`, calling the handler for each event. Returns how many bytes were used:
  // all of them, except when the stream closed or the handler stopped it within them (the
  // rest follows the closing tag, or was not wanted). On a stream error `ec` is a
  // stream_errc; the parser is then failed for good and later calls return the same error.
  std::size_t put(std::string_view bytes, boost::system::error_code& ec);

  State state() const noexcept { return state_; }
  boost::system::error_code error() const noexcept { return error_; }
  // Why it failed, for logs ("DOCTYPE refused", expat's message with a byte offset).
  const std::string& error_detail() const noexcept { return detail_; }
  std::uint64_t bytes_parsed() const noexcept { return fed_; }

 private:
  struct Callbacks;

  void fail(stream_errc condition, std::string detail);
  void stop_after_current_event(State state);
  void fail_from_expat();

  XML_ParserStruct* parser_;
  XmlStreamHandler& handler_;
  XmlLimits limits_;
  State state_ = State::before_header;
  boost::system::error_code error_;
  std::string detail_;

  std::size_t depth_ = 0;          // open elements, the stream root included
  std::vector<Element*> open_;     // the open elements of the current stanza
  Element stanza_;                 // the stanza being built
  std::optional<std::string> root_default_ns_;
  std::uint64_t fed_ = 0;          // bytes handed to expat so far
  std::uint64_t anchor_ = 0;       // where the bytes not yet accounted for begin
  std::uint64_t stanza_start_ = 0;
  std::uint64_t stop_at_ = 0;      // just past the event that closed or stopped the stream
};

}  // namespace reload::xmpp
