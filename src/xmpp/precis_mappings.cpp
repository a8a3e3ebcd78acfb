#include "xmpp/precis_mappings.hpp"

#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

namespace reload::xmpp::precis {

namespace {

// ICU fails here only when it runs out of memory or its data is broken: neither is the
// input's fault, so neither is an error value.
void check(UErrorCode err) {
  if (err == U_MEMORY_ALLOCATION_ERROR) throw std::bad_alloc();
  if (U_FAILURE(err)) throw std::runtime_error(std::string("ICU: ") + u_errorName(err));
}

std::u16string to_utf16(std::u32string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c <= 0xFFFF) {
      out.push_back(static_cast<char16_t>(c));
    } else {
      out.push_back(static_cast<char16_t>(U16_LEAD(c)));
      out.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    }
  }
  return out;
}

std::u32string to_utf32(std::u16string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto length = static_cast<std::int32_t>(s.size());
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U16_NEXT(s.data(), i, length, c);
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

const UNormalizer2* nfkc() {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* n = unorm2_getNFKCInstance(&err);
  check(err);
  return n;
}

const UNormalizer2* nfc() {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* n = unorm2_getNFCInstance(&err);
  check(err);
  return n;
}

// Runs an ICU "preflight" string function: first into a guess, again at the size it asks.
template <typename Fn>
std::u16string run_icu(std::int32_t guess, Fn&& fn) {
  std::u16string out(static_cast<std::size_t>(guess), u'\0');
  UErrorCode err = U_ZERO_ERROR;
  std::int32_t n = fn(out.data(), guess, &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    out.assign(static_cast<std::size_t>(n), u'\0');
    err = U_ZERO_ERROR;
    n = fn(out.data(), n, &err);
  }
  check(err);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::u32string map_width(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    const auto type = u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_DECOMPOSITION_TYPE);
    if (type != U_DT_WIDE && type != U_DT_NARROW) {
      out.push_back(c);
      continue;
    }
    // The raw mapping is the one-step <wide>/<narrow> field of UnicodeData.txt.
    UChar buf[8];
    UErrorCode err = U_ZERO_ERROR;
    std::int32_t n = unorm2_getRawDecomposition(nfkc(), static_cast<UChar32>(c), buf, 8, &err);
    check(err);
    if (n <= 0) {
      out.push_back(c);
      continue;
    }
    out += to_utf32(
        std::u16string_view(reinterpret_cast<const char16_t*>(buf), static_cast<std::size_t>(n)));
  }
  return out;
}

std::u32string map_non_ascii_spaces(std::u32string_view s) {
  std::u32string out(s);
  for (char32_t& c : out)
    if (c != U' ' && u_charType(static_cast<UChar32>(c)) == U_SPACE_SEPARATOR) c = U' ';
  return out;
}

std::u32string to_lower(std::u32string_view s) {
  std::u32string source(s);
  // Σ is the only code point whose root-locale lowercase depends on its neighbours (the
  // Final_Sigma condition); map it first so that ICU's context never applies.
  for (char32_t& c : source)
    if (c == U'\u03A3') c = U'\u03C3';
  const std::u16string in = to_utf16(source);
  const auto length = static_cast<std::int32_t>(in.size());
  std::u16string out = run_icu(length + 8, [&](char16_t* dest, std::int32_t cap, UErrorCode* err) {
    return u_strToLower(dest, cap, in.data(), length, "", err);  // "": root, not the default locale
  });
  return to_utf32(out);
}

std::u32string to_nfc(std::u32string_view s) {
  const std::u16string in = to_utf16(s);
  const auto length = static_cast<std::int32_t>(in.size());
  std::u16string out = run_icu(length + 8, [&](char16_t* dest, std::int32_t cap, UErrorCode* err) {
    return unorm2_normalize(nfc(), in.data(), length, dest, cap, err);
  });
  return to_utf32(out);
}

}  // namespace reload::xmpp::precis
