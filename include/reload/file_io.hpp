// Whole-file reads and writes with <cstdio>. Why not iostreams: the first stream a program
// uses builds the C++ locale machinery, about half a MiB of resident code in every node
// process (tens of node processes run on one machine in a test overlay).
//
// A leaf like errors.hpp: every layer may use it.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace reload {

// The file's bytes, at most `max_bytes` of them (a caller that must refuse big files asks
// for one byte more than it allows).
inline boost::system::result<std::string> read_file(const std::filesystem::path& path,
                                                    std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return boost::system::error_code(errno, boost::system::generic_category());
  std::string out;
  char chunk[4096];
  while (out.size() < max_bytes) {
    const std::size_t want = std::min(sizeof chunk, max_bytes - out.size());
    const std::size_t n = std::fread(chunk, 1, want, f.get());
    out.append(chunk, n);
    if (n < want) break;
  }
  if (std::ferror(f.get())) return boost::system::error_code(EIO, boost::system::generic_category());
  return out;
}

// Replaces the file's contents with `text` (created when missing).
inline boost::system::error_code write_file(const std::filesystem::path& path, std::string_view text) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return {errno, boost::system::generic_category()};
  if (std::fwrite(text.data(), 1, text.size(), f.get()) != text.size())
    return {EIO, boost::system::generic_category()};
  if (std::fclose(f.release()) != 0) return {errno, boost::system::generic_category()};
  return {};
}

}  // namespace reload
