// How the data store says no (DESIGN.md principle 7: errors are values).
//
// Every refusal of Store, Fetch, Stat or Find is a StorageError: the RELOAD error code the
// node puts in its ErrorResponse, the error_info to send with it, and a reason for the log.
// error_info is what RFC 6940 section 7.4.1.2 prescribes: a KindId list for
// Error_Unknown_Kind, a StoreAns for Error_Generation_Counter_Too_Low, and for every other
// code the reason as UTF-8 text. So the shell sends {code, error_info} as it is.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <reload/errors.hpp>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/store.hpp"

namespace reload::storage {

struct StorageError {
  errc code = errc::invalid_message;
  wire::Buffer error_info;  // the ErrorResponse's error_info, ready to send
  std::string reason;       // for people: always text, also when error_info is binary
};

// The answer of a storage method: its encoded body, or why not.
template <class T>
using Result = boost::system::result<T, StorageError>;

// A refusal whose error_info is the reason itself.
StorageError text_error(errc code, std::string reason);
// Error_Unknown_Kind listing `kinds` (the first 63: all that fit error_info's <0..2^8-1>).
StorageError unknown_kinds_error(std::span<const wire::KindId> kinds);
// Error_Generation_Counter_Too_Low carrying the stored counters (replica lists empty).
StorageError generation_error(const wire::StoreAns& current, std::string reason);

// "Error_Forbidden: reason", for logs and test output.
std::string to_string(const StorageError& e);
std::ostream& operator<<(std::ostream& os, const StorageError& e);

// Result<T>::value() on an error throws through this (ADL), like result<T>'s system_error.
// Only tests and callers that have already checked call value() blindly.
[[noreturn]] void throw_exception_from_error(const StorageError& e,
                                             const boost::source_location& loc);

}  // namespace reload::storage
