#include "output.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace reload::dump {

void Output::emit(std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  text.clear();
}

void Output::error(std::string_view what) {
  failed_ = true;
  std::fflush(stdout);
  fmt::print(stderr, "error: {}\n", what);
  std::fflush(stderr);
}

}  // namespace reload::dump
