#include "xmpp/precis_bidi_rule.hpp"

#include <algorithm>
#include <initializer_list>

#include <unicode/uchar.h>

namespace reload::xmpp::precis {

namespace {

UCharDirection direction(char32_t cp) noexcept {
  return u_charDirection(static_cast<UChar32>(cp));
}

bool one_of(UCharDirection d, std::initializer_list<UCharDirection> set) noexcept {
  return std::find(set.begin(), set.end(), d) != set.end();
}

}  // namespace

bool has_right_to_left(std::u32string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char32_t c) {
    return one_of(direction(c), {U_RIGHT_TO_LEFT, U_RIGHT_TO_LEFT_ARABIC, U_ARABIC_NUMBER});
  });
}

bool satisfies_bidi_rule(std::u32string_view s) noexcept {
  if (s.empty()) return false;
  // 1. The first code point is L (an LTR string) or R/AL (an RTL string).
  const UCharDirection first = direction(s.front());
  const bool rtl = one_of(first, {U_RIGHT_TO_LEFT, U_RIGHT_TO_LEFT_ARABIC});
  if (!rtl && first != U_LEFT_TO_RIGHT) return false;

  // 3./6. The last code point that is not NSM is R, AL, EN or AN (RTL) or L or EN (LTR).
  std::size_t end = s.size();
  while (end > 0 && direction(s[end - 1]) == U_DIR_NON_SPACING_MARK) --end;
  if (end == 0) return false;
  const UCharDirection last = direction(s[end - 1]);
  if (rtl ? !one_of(last,
                    {U_RIGHT_TO_LEFT, U_RIGHT_TO_LEFT_ARABIC, U_EUROPEAN_NUMBER, U_ARABIC_NUMBER})
          : !one_of(last, {U_LEFT_TO_RIGHT, U_EUROPEAN_NUMBER}))
    return false;

  // 2./5. Only these classes anywhere; 4. in an RTL string, EN and AN do not mix.
  bool seen_en = false, seen_an = false;
  for (char32_t c : s) {
    const UCharDirection d = direction(c);
    const bool allowed =
        rtl ? one_of(d, {U_RIGHT_TO_LEFT, U_RIGHT_TO_LEFT_ARABIC, U_ARABIC_NUMBER,
                         U_EUROPEAN_NUMBER, U_EUROPEAN_NUMBER_SEPARATOR, U_COMMON_NUMBER_SEPARATOR,
                         U_EUROPEAN_NUMBER_TERMINATOR, U_OTHER_NEUTRAL, U_BOUNDARY_NEUTRAL,
                         U_DIR_NON_SPACING_MARK})
            : one_of(d, {U_LEFT_TO_RIGHT, U_EUROPEAN_NUMBER, U_EUROPEAN_NUMBER_SEPARATOR,
                         U_COMMON_NUMBER_SEPARATOR, U_EUROPEAN_NUMBER_TERMINATOR, U_OTHER_NEUTRAL,
                         U_BOUNDARY_NEUTRAL, U_DIR_NON_SPACING_MARK});
    if (!allowed) return false;
    seen_en = seen_en || d == U_EUROPEAN_NUMBER;
    seen_an = seen_an || d == U_ARABIC_NUMBER;
  }
  return !(rtl && seen_en && seen_an);
}

}  // namespace reload::xmpp::precis
