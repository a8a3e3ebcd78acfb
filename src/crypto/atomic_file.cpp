#include "crypto/atomic_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace reload::crypto {

using boost::system::error_code;

namespace {

error_code from_errno(int e) { return error_code(e ? e : EIO, boost::system::generic_category()); }

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

error_code write_file_atomically(const std::filesystem::path& file, std::string_view data, mode_t mode) {
  // mkstemp creates the file 0600 (no process-wide umask change, which would race with
  // other threads); fchmod then sets the wanted mode before any byte is written. The file
  // is in the target's directory, so rename() is atomic.
  std::string tmp = file.string() + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return from_errno(errno);
  bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, data.data(), data.size()) && ::fsync(fd) == 0;
  int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), file.c_str()) == 0) return {};
  if (ok) saved = errno;
  ::unlink(tmp.c_str());
  return from_errno(saved);
}

}  // namespace reload::crypto
