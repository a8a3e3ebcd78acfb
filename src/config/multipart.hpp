// multipart/form-data (RFC 7578 on RFC 2046), the body of an enrollment request (RFC 6940
// section 11.3). Neither Beast nor OpenSSL has it, so this small codec does both directions,
// sans-I/O: whole bodies in, parts out (the HTTP layer has already bounded and read the
// body).
//
// The parser is strict and bounded, because its input comes from anyone who can reach the
// enrollment server:
//   * the Content-Type must be multipart/form-data with a boundary of 1 to 70 of RFC 2046's
//     bchars (quoted or not);
//   * lines end in CRLF; a delimiter is CRLF "--" boundary, followed only by transport
//     padding (spaces, tabs) and CRLF, or by "--" for the last one; a line that starts with
//     the delimiter and goes on is an error, not content (RFC 2046 section 5.1.1);
//   * a preamble before the first delimiter and an epilogue after the last are ignored, as
//     RFC 2046 says, but count against the body limit;
//   * every part has exactly one Content-Disposition of type form-data with a non-empty
//     name (RFC 7578 section 4.2), at most one Content-Type, and no Content-Transfer-Encoding
//     other than 7bit, 8bit or binary (section 4.7); other header fields are ignored
//     (section 4.8); folded header lines, bare CR/LF and other control characters in a
//     header are errors;
//   * the body, each part's headers and content, the number of parts and of header lines
//     are bounded (FormLimits), and by default a name may appear only once (an enrollment
//     form with two passwords is ambiguous, so it is refused rather than guessed at).
// Errors are values with a short reason that the server sends back in a 400 answer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace reload::config {

struct FormPart {
  std::string name;
  std::string content_type;  // empty when the part has none (text/plain by RFC 7578)
  std::optional<std::string> filename;
  std::string body;
};

struct FormLimits {
  std::size_t max_body_bytes = 64 * 1024;  // the whole body, preamble and epilogue included
  std::size_t max_parts = 16;
  std::size_t max_header_bytes = 1024;  // per part, CRLFs included
  std::size_t max_header_lines = 8;     // per part
  std::size_t max_part_bytes = 32 * 1024;  // per part's content; a CSR is 1 to 2 KiB
  bool unique_names = true;
};

// The body and the Content-Type header value that goes with it.
struct EncodedForm {
  std::string content_type;
  std::string body;
};

// Why a form was refused (or could not be encoded): a short reason for a 400 answer.
struct FormError {
  std::string reason;
};
// result<T, FormError>::value() on an error throws std::runtime_error with the reason (ADL).
[[noreturn]] void throw_exception_from_error(const FormError& e, const boost::source_location& loc);

// Refuses a boundary that is not 1 to 70 bchars or that occurs in a part's content, names,
// filenames and content types with control characters, and a content type that is not a
// media type (the parser would refuse them). '"' and '\' in names are escaped.
boost::system::result<EncodedForm, FormError> encode_form(const std::vector<FormPart>& parts,
                                                          std::string_view boundary);

// A boundary of 40 characters, 32 of them random hex (OpenSSL RAND_bytes): a part's content
// contains it with negligible probability, and encode_form checks anyway.
std::string random_boundary();

boost::system::result<std::vector<FormPart>, FormError> parse_form(std::string_view content_type,
                                                                   std::string_view body,
                                                                   const FormLimits& limits = {});

// The first part named `name`, or nullptr.
const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace reload::config
