// multipart/form-data (RFC 7578), the body of an enrollment request (RFC 6940 section 11.3).
// Neither Beast nor OpenSSL has it, so this small codec does both directions, sans-I/O and
// strict: a boundary from the Content-Type, CRLF line ends, a Content-Disposition of
// form-data with a name for every part, bounded part count and header size.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace reload::config {

struct FormPart {
  std::string name;
  std::string content_type;  // empty when the part has none (text/plain by RFC 7578)
  std::optional<std::string> filename;
  std::string body;
};

struct FormLimits {
  std::size_t max_parts = 16;
  std::size_t max_header_bytes = 1024;  // per part
};

// The body and the Content-Type header value that goes with it.
struct EncodedForm {
  std::string content_type;
  std::string body;
};
EncodedForm encode_form(const std::vector<FormPart>& parts, std::string_view boundary);

// Why a form was refused: a short reason for a 400 answer.
struct FormError {
  std::string reason;
};
// result<T, FormError>::value() on an error throws std::runtime_error with the reason (ADL).
[[noreturn]] void throw_exception_from_error(const FormError& e, const boost::source_location& loc);

boost::system::result<std::vector<FormPart>, FormError> parse_form(std::string_view content_type,
                                                                   std::string_view body,
                                                                   const FormLimits& limits = {});

// The first part named `name`, or nullptr.
const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace reload::config
