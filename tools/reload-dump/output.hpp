// Where reload-dump's text goes: trees to standard output, errors to standard error, in the
// order they happened.
#pragma once

#include <string>
#include <string_view>

namespace reload::dump {

class Output {
 public:
  // Writes `text` to standard output and clears it.
  void emit(std::string& text);
  // Writes "error: <what>" to standard error (standard output first, so the order holds) and
  // remembers that the run failed.
  void error(std::string_view what);
  bool failed() const noexcept { return failed_; }

 private:
  bool failed_ = false;
};

}  // namespace reload::dump
