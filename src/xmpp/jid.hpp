// An XMPP address (RFC 7622): [localpart@]domainpart[/resourcepart], always held in its
// prepared form, so that equality is the comparison RFC 7622 asks for (octet for octet after
// preparation). A Jid cannot be built unprepared: parse() or from_parts() make one.
//
// localpart: PRECIS UsernameCaseMapped plus RFC 7622's ban of " & ' / : < > @;
// domainpart: see jid_domainpart.hpp; resourcepart: PRECIS OpaqueString (case kept).
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "wire/node_id.hpp"

namespace reload::xmpp {

class Jid {
 public:
  // Splits at the first '/' (the resourcepart, which may hold '@' and '/'), then at the
  // first '@' before it (the localpart), and prepares each part. An error names the part:
  // "localpart: disallowed character U+0020".
  static boost::system::result<Jid> parse(std::string_view text);

  // Prepares the parts given separately (nullopt: the part is absent).
  static boost::system::result<Jid> from_parts(std::optional<std::string_view> localpart,
                                               std::string_view domainpart,
                                               std::optional<std::string_view> resourcepart);

  const std::optional<std::string>& localpart() const noexcept { return localpart_; }
  const std::string& domainpart() const noexcept { return domainpart_; }
  const std::optional<std::string>& resourcepart() const noexcept { return resourcepart_; }

  bool is_bare() const noexcept { return !resourcepart_; }
  // The same address without its resourcepart.
  Jid bare() const;
  // The same bare address with another (prepared) resourcepart.
  boost::system::result<Jid> with_resource(std::string_view resourcepart) const;

  // "local@domain/resource", every part prepared.
  std::string to_string() const;
  // "local@domain": the string XEP-0415 hashes to find a user's XMPP-LOCATION records.
  std::string bare_string() const;

  friend bool operator==(const Jid&, const Jid&) = default;
  friend auto operator<=>(const Jid&, const Jid&) = default;

 private:
  Jid() = default;
  static boost::system::result<Jid> parse_unremembered(std::string_view text);

  std::optional<std::string> localpart_;
  std::string domainpart_;
  std::optional<std::string> resourcepart_;
};

std::ostream& operator<<(std::ostream& os, const Jid& jid);

// The parts one at a time. Errors are jid_category() errors naming the part.
boost::system::result<std::string> prepare_localpart(std::string_view utf8);
boost::system::result<std::string> prepare_resourcepart(std::string_view utf8);

// The Resource-ID of the user's XMPP-LOCATION records (XEP-0415 sections 5 and 8): the
// RELOAD hash of the prepared bare JID. Two spellings of one address ("Juliet@Example.COM/x"
// and "juliet@example.com") give the same Resource-ID.
wire::ResourceId location_resource_id(const Jid& jid);

}  // namespace reload::xmpp

template <>
struct std::hash<reload::xmpp::Jid> {
  std::size_t operator()(const reload::xmpp::Jid& jid) const;
};
