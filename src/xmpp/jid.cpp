#include "xmpp/jid.hpp"

#include <functional>
#include <ostream>
#include <unordered_map>

#include "wire/hashes.hpp"
#include "xmpp/jid_domainpart.hpp"
#include "xmpp/jid_errors.hpp"
#include "xmpp/jid_limits.hpp"
#include "xmpp/precis.hpp"

namespace reload::xmpp {

namespace {

using boost::system::result;

// RFC 7622 section 3.3.1: on top of UsernameCaseMapped, these would be mistaken for JID
// or XML syntax.
constexpr std::string_view forbidden_in_localpart = "\"&'/:<>@";

result<std::string> enforce_part(precis::Profile profile, JidPart part, std::string_view utf8) {
  if (utf8.size() > jid_limits::max_input_octets) return make_jid_error(jid_errc::too_long, part);
  auto prepared = precis::enforce(profile, utf8);
  if (!prepared) return with_part(prepared.error(), part);
  if (prepared->size() > jid_limits::max_part_octets)
    return make_jid_error(jid_errc::too_long, part);
  return prepared;
}

}  // namespace

result<std::string> prepare_localpart(std::string_view utf8) {
  auto prepared = enforce_part(precis::Profile::username_case_mapped, JidPart::localpart, utf8);
  if (!prepared) return prepared;
  // Checked on the prepared string: FULLWIDTH COMMERCIAL AT has become '@' by now.
  for (char c : *prepared)
    if (forbidden_in_localpart.find(c) != std::string_view::npos)
      return make_jid_error(jid_errc::disallowed_character, JidPart::localpart,
                            static_cast<unsigned char>(c));
  return prepared;
}

result<std::string> prepare_resourcepart(std::string_view utf8) {
  return enforce_part(precis::Profile::opaque_string, JidPart::resourcepart, utf8);
}

result<Jid> Jid::from_parts(std::optional<std::string_view> localpart, std::string_view domainpart,
                            std::optional<std::string_view> resourcepart) {
  Jid jid;
  if (localpart) {
    auto l = prepare_localpart(*localpart);
    if (!l) return l.error();
    jid.localpart_ = std::move(*l);
  }
  auto d = prepare_domainpart(domainpart);
  if (!d) return d.error();
  jid.domainpart_ = std::move(*d);
  if (resourcepart) {
    auto r = prepare_resourcepart(*resourcepart);
    if (!r) return r.error();
    jid.resourcepart_ = std::move(*r);
  }
  return jid;
}

namespace {

// Preparing a JID runs PRECIS through ICU: tens of microseconds, a sixth of what a device
// spent on each stanza of an echo (perf, 2026-12-07), and it sees the same few addresses in
// every stanza. Preparation depends on the text alone, so recent results are kept, per
// thread; the table starts afresh when full (a bound, not an LRU: a device's correspondents
// are few), and only short texts are kept, so it never holds more than about 100 KiB.
class ParsedJids {
 public:
  const Jid* find(std::string_view text) const {
    auto it = table_.find(text);
    return it == table_.end() ? nullptr : &it->second;
  }
  void keep(std::string_view text, const Jid& jid) {
    if (text.size() > max_text) return;
    if (table_.size() >= capacity) table_.clear();
    table_.emplace(std::string(text), jid);
  }

 private:
  static constexpr std::size_t capacity = 256;
  static constexpr std::size_t max_text = 128;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Jid, Hash, std::equal_to<>> table_;
};

}  // namespace

result<Jid> Jid::parse(std::string_view text) {
  thread_local ParsedJids parsed;
  if (const Jid* known = parsed.find(text)) return *known;
  auto jid = parse_unremembered(text);
  if (jid) parsed.keep(text, *jid);
  return jid;
}

result<Jid> Jid::parse_unremembered(std::string_view text) {
  // RFC 7622 section 3.2: the first '/' starts the resourcepart even when an '@' follows
  // it ("a.example.com/b@example.net" has no localpart), then the first '@' of what is left.
  std::optional<std::string_view> resourcepart;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    resourcepart = text.substr(slash + 1);
    text = text.substr(0, slash);
  }
  std::optional<std::string_view> localpart;
  if (auto at = text.find('@'); at != std::string_view::npos) {
    localpart = text.substr(0, at);
    text = text.substr(at + 1);
  }
  return from_parts(localpart, text, resourcepart);
}

Jid Jid::bare() const {
  Jid jid = *this;
  jid.resourcepart_.reset();
  return jid;
}

result<Jid> Jid::with_resource(std::string_view resourcepart) const {
  auto r = prepare_resourcepart(resourcepart);
  if (!r) return r.error();
  Jid jid = *this;
  jid.resourcepart_ = std::move(*r);
  return jid;
}

std::string Jid::bare_string() const {
  return localpart_ ? *localpart_ + '@' + domainpart_ : domainpart_;
}

std::string Jid::to_string() const {
  std::string s = bare_string();
  if (resourcepart_) s += '/' + *resourcepart_;
  return s;
}

std::ostream& operator<<(std::ostream& os, const Jid& jid) {
  return os << jid.to_string();
}

wire::ResourceId location_resource_id(const Jid& jid) {
  return wire::resource_id_of(jid.bare_string());
}

}  // namespace reload::xmpp

std::size_t std::hash<reload::xmpp::Jid>::operator()(const reload::xmpp::Jid& jid) const {
  // Unambiguous: no prepared localpart or domainpart holds '@' or '/'.
  return std::hash<std::string>{}(jid.to_string());
}
