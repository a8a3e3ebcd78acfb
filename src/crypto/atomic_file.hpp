// Replacing a file so that a reader (or a crash) sees the old content or the new, never a
// mix: keys, CA certificates and enrollment state are written this way.
#pragma once

#include <filesystem>
#include <string_view>

#include <boost/system/error_code.hpp>
#include <sys/types.h>

namespace reload::crypto {

// Writes `data` to a fresh file beside `file` created with `mode` (no wider at any moment),
// syncs it, and renames it over `file`. On failure `file` is untouched and no temporary
// file is left.
boost::system::error_code write_file_atomically(const std::filesystem::path& file,
                                                std::string_view data, mode_t mode);

}  // namespace reload::crypto
