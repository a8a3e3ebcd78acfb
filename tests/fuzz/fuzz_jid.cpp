// JIDs arrive from peers (stanza to/from attributes, XmppLocation records, certificates):
// never crash, and preparation is idempotent -- what it gives, prepared again, is unchanged,
// so a JID read back from a record names the same user as the one that was stored.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/jid_domainpart.hpp"
#include "xmpp/jid_errors.hpp"

namespace {

using namespace reload::xmpp;

template <typename Prepare>
void check_idempotent(Prepare prepare, std::string_view in, JidPart part) {
  auto once = prepare(in);
  if (!once) {
    FUZZ_CHECK(jid_error_part(once.error()) == part);
    FUZZ_CHECK(!once.error().message().empty());
    return;
  }
  FUZZ_CHECK(!once->empty() && once->size() <= 1023);
  auto twice = prepare(*once);
  FUZZ_CHECK(twice.has_value());
  FUZZ_CHECK(*twice == *once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  check_idempotent(prepare_localpart, in, JidPart::localpart);
  check_idempotent(prepare_resourcepart, in, JidPart::resourcepart);
  check_idempotent(prepare_domainpart, in, JidPart::domainpart);

  auto jid = Jid::parse(in);
  if (!jid) {
    FUZZ_CHECK(jid_error_part(jid.error()) != JidPart::none);
    return 0;
  }
  // The printed form parses back to the same JID, bare form included.
  auto again = Jid::parse(jid->to_string());
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == *jid);
  auto bare = Jid::parse(jid->bare_string());
  FUZZ_CHECK(bare.has_value());
  FUZZ_CHECK(*bare == jid->bare());
  FUZZ_CHECK(location_resource_id(*jid) == location_resource_id(*bare));
  return 0;
}
