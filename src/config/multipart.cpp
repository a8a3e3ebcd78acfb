#include "config/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace reload::config {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Parameters of a header value: `type; a=b; c="d"`. Returns the value of `key`.
std::optional<std::string> parameter(std::string_view value, std::string_view key) {
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos) {
    value.remove_prefix(pos + 1);
    std::size_t eq = value.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view k = trim(value.substr(0, eq));
    std::string_view rest = value.substr(eq + 1);
    rest = trim(rest);
    std::string v;
    std::size_t consumed = 0;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t close = 1;
      for (; close < rest.size() && rest[close] != '"'; ++close) {
        if (rest[close] == '\\' && close + 1 < rest.size()) ++close;
        v += rest[close];
      }
      if (close >= rest.size()) return std::nullopt;  // unterminated quote
      consumed = close + 1;
    } else {
      consumed = std::min(rest.find(';'), rest.size());
      v = std::string(trim(rest.substr(0, consumed)));
    }
    if (iequals(k, key)) return v;
    rest.remove_prefix(consumed);
    value = rest;
    pos = value.find(';');
  }
  return std::nullopt;
}

std::string media_type(std::string_view value) {
  std::string t(trim(value.substr(0, value.find(';'))));
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

}  // namespace

EncodedForm encode_form(const std::vector<FormPart>& parts, std::string_view boundary) {
  EncodedForm out;
  out.content_type = "multipart/form-data; boundary=" + std::string(boundary);
  for (const auto& p : parts) {
    out.body += "--";
    out.body += boundary;
    out.body += "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (p.filename) out.body += "; filename=\"" + *p.filename + "\"";
    out.body += "\r\n";
    if (!p.content_type.empty()) out.body += "Content-Type: " + p.content_type + "\r\n";
    out.body += "\r\n";
    out.body += p.body;
    out.body += "\r\n";
  }
  out.body += "--";
  out.body += boundary;
  out.body += "--\r\n";
  return out;
}

boost::system::result<std::vector<FormPart>, FormError> parse_form(std::string_view content_type,
                                                                   std::string_view body,
                                                                   const FormLimits& limits) {
  if (media_type(content_type) != "multipart/form-data") return FormError{"not multipart/form-data"};
  auto boundary = parameter(content_type, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70) return FormError{"no usable boundary"};
  const std::string delimiter = "--" + *boundary;

  // The first delimiter starts the body or a line of its own (a preamble may come first).
  std::size_t at;
  if (body.starts_with(delimiter)) {
    at = delimiter.size();
  } else {
    std::size_t f = body.find("\r\n" + delimiter);
    if (f == std::string_view::npos) return FormError{"no boundary in the body"};
    at = f + 2 + delimiter.size();
  }
  const std::string next_delimiter = "\r\n" + delimiter;
  std::vector<FormPart> parts;
  for (;;) {
    std::string_view rest = body.substr(at);
    if (rest.starts_with("--")) break;  // the close delimiter; an epilogue may follow
    // Transport padding may follow a delimiter before its CRLF.
    std::size_t eol = rest.find("\r\n");
    if (eol == std::string_view::npos || !trim(rest.substr(0, eol)).empty())
      return FormError{"malformed boundary line"};
    at += eol + 2;
    if (parts.size() == limits.max_parts) return FormError{"too many parts"};

    std::size_t header_end = body.find("\r\n\r\n", at);
    std::size_t content_start;
    std::string_view headers;
    if (body.substr(at).starts_with("\r\n")) {  // a part with no header lines at all
      headers = {};
      content_start = at + 2;
    } else {
      if (header_end == std::string_view::npos) return FormError{"part headers do not end"};
      headers = body.substr(at, header_end - at);
      content_start = header_end + 4;
    }
    if (headers.size() > limits.max_header_bytes) return FormError{"part headers too large"};
    std::size_t end = body.find(next_delimiter, content_start);
    if (end == std::string_view::npos) return FormError{"part does not end"};

    FormPart part;
    bool disposition = false;
    while (!headers.empty()) {
      std::size_t e = headers.find("\r\n");
      std::string_view line = headers.substr(0, e);
      headers = e == std::string_view::npos ? std::string_view{} : headers.substr(e + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return FormError{"malformed part header"};
      std::string_view name = trim(line.substr(0, colon));
      std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        if (media_type(value) != "form-data") return FormError{"part is not form-data"};
        auto n = parameter(value, "name");
        if (!n || n->empty()) return FormError{"part has no name"};
        part.name = *n;
        part.filename = parameter(value, "filename");
        disposition = true;
      } else if (iequals(name, "Content-Type")) {
        part.content_type = std::string(value);
      }
    }
    if (!disposition) return FormError{"part without Content-Disposition"};
    part.body = std::string(body.substr(content_start, end - content_start));
    parts.push_back(std::move(part));
    at = end + next_delimiter.size();
  }
  return parts;
}

void throw_exception_from_error(const FormError& e, const boost::source_location&) {
  throw std::runtime_error("multipart/form-data: " + e.reason);
}

const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name) {
  for (const auto& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace reload::config
