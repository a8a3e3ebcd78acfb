#include "xmpp/fanout_envelope.hpp"

#include <doctest/doctest.h>

using namespace reload::xmpp;

namespace {
StanzaEnvelope message(MessageType type) {
  StanzaEnvelope m;
  m.kind = StanzaKind::message;
  m.message_type = type;
  m.from = {"alice@example.org", "laptop"};
  m.to = {"bob@example.org", {}};
  m.origin_id = "o1";
  return m;
}
}  // namespace

TEST_CASE("only chat and normal messages fan out") {
  CHECK(fans_out(message(MessageType::chat)));
  CHECK(fans_out(message(MessageType::normal)));
  CHECK_FALSE(fans_out(message(MessageType::groupchat)));
  CHECK_FALSE(fans_out(message(MessageType::headline)));

  auto error = message(MessageType::chat);
  error.is_error = true;
  CHECK_FALSE(fans_out(error));

  auto iq = message(MessageType::normal);
  iq.kind = StanzaKind::iq;
  CHECK_FALSE(fans_out(iq));
  auto presence = message(MessageType::normal);
  presence.kind = StanzaKind::presence;
  CHECK_FALSE(fans_out(presence));

  auto carbon = message(MessageType::chat);
  carbon.carbon = CarbonKind::received;
  CHECK_FALSE(fans_out(carbon));
}

TEST_CASE("private or no-copy opts a message out of carbons, not out of fan-out") {
  CHECK(carbon_eligible(message(MessageType::chat)));
  CHECK_FALSE(carbon_eligible(message(MessageType::headline)));

  auto both = message(MessageType::chat);
  both.private_hint = true;
  both.no_copy_hint = true;
  CHECK(fans_out(both));
  CHECK_FALSE(carbon_eligible(both));

  auto only_private = message(MessageType::chat);
  only_private.private_hint = true;
  CHECK_FALSE(carbon_eligible(only_private));

  auto only_no_copy = message(MessageType::normal);
  only_no_copy.no_copy_hint = true;
  CHECK_FALSE(carbon_eligible(only_no_copy));
}

TEST_CASE("a carbon is from the user's bare JID to the device, of the original's type") {
  auto original = std::make_shared<const StanzaEnvelope>(message(MessageType::chat));
  auto carbon = wrap_in_carbon(CarbonKind::received, original, "bob@example.org",
                               StanzaAddress{"bob@example.org", "phone"});
  CHECK(carbon.kind == StanzaKind::message);
  CHECK(carbon.message_type == MessageType::chat);
  CHECK(carbon.carbon == CarbonKind::received);
  CHECK(carbon.from == StanzaAddress{"bob@example.org", {}});
  CHECK(carbon.to == StanzaAddress{"bob@example.org", "phone"});
  CHECK(carbon.forwarded == original);
  CHECK_FALSE(carbon.origin_id.has_value());  // the wrapper has none; the inner one counts
  CHECK_FALSE(fans_out(carbon));
}

TEST_CASE("addresses") {
  StanzaAddress none;
  CHECK(none.empty());
  StanzaAddress bare{"bob@example.org", {}};
  CHECK_FALSE(bare.empty());
  CHECK_FALSE(bare.is_full());
  StanzaAddress full{"bob@example.org", "phone"};
  CHECK(full.is_full());
  CHECK(bare != full);
}
