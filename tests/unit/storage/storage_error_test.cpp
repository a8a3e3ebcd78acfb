#include "storage/storage_error.hpp"

#include <sstream>
#include <stdexcept>

#include <doctest/doctest.h>

#include "wire/error_response.hpp"

using namespace reload;
using namespace reload::storage;

TEST_CASE("a text refusal sends its reason as error_info") {
  auto e = text_error(errc::forbidden, "not yours");
  CHECK(e.code == errc::forbidden);
  CHECK(wire::as_string_view(e.error_info) == "not yours");
  CHECK(to_string(e) == "Error_Forbidden: not yours");
  std::ostringstream os;
  os << e;
  CHECK(os.str() == to_string(e));
  auto long_reason = text_error(errc::invalid_message, std::string(70000, 'x'));
  CHECK(long_reason.error_info.size() == 0xffff);  // error_info<0..2^16-1>
}

TEST_CASE("Error_Unknown_Kind carries the Kind-IDs, as many as fit") {
  std::vector<wire::KindId> kinds{7, 9};
  auto e = unknown_kinds_error(kinds);
  CHECK(e.code == errc::unknown_kind);
  CHECK(wire::decode_unknown_kinds_info(e.error_info).value() == kinds);
  CHECK(e.reason.find("7 9") != std::string::npos);
  std::vector<wire::KindId> many(100);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<wire::KindId>(i);
  auto listed = wire::decode_unknown_kinds_info(unknown_kinds_error(many).error_info).value();
  CHECK(listed.size() == 63);
  CHECK(listed.back() == 62);
}

TEST_CASE("Error_Generation_Counter_Too_Low carries a StoreAns") {
  wire::StoreAns ans{{{5, 12, {}}, {6, 0, {}}}};
  auto e = generation_error(ans, "stale");
  CHECK(e.code == errc::generation_counter_too_low);
  auto back = wire::decode_generation_counter_info(e.error_info, wire::CodecContext{}).value();
  REQUIRE(back.kind_responses.size() == 2);
  CHECK(back.kind_responses[0].kind == 5);
  CHECK(back.kind_responses[0].generation_counter == 12);
  CHECK(back.kind_responses[1].generation_counter == 0);
}

TEST_CASE("value() on a refusal throws with the reason; has_value() does not") {
  Result<int> r = text_error(errc::data_too_old, "older");
  CHECK_FALSE(r.has_value());
  CHECK_THROWS_WITH_AS(r.value(), "Error_Data_Too_Old: older", std::runtime_error);
  Result<int> ok = 3;
  CHECK(ok.value() == 3);
}
