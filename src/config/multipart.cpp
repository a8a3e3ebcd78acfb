#include "config/multipart.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <stdexcept>
#include <utility>

#include "crypto/random.hpp"

namespace reload::config {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 9110 section 5.6.2.
bool is_tchar(char c) { return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos; }

// RFC 2046 section 5.1.1: bchars := bcharsnospace / " ".
bool is_bchar(char c) { return is_alnum(c) || std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos; }

// A control character other than HT: never allowed in a header field.
bool is_ctl(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7f;
}

bool valid_boundary(std::string_view b) {
  return !b.empty() && b.size() <= 70 && b.back() != ' ' && std::all_of(b.begin(), b.end(), is_bchar);
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A header value of the form  type[/subtype] *( OWS ";" OWS name "=" ( token / quoted-string ) )
// (RFC 9110 sections 5.6 and 8.3.1; RFC 6266 for Content-Disposition). `type` comes back in
// lower case, parameter names too; values as written, quoted-pairs resolved. nullopt when
// the value does not have that shape or names a parameter twice.
struct Parameterized {
  std::string type;
  Params params;
};

std::optional<Parameterized> parse_parameterized(std::string_view v, bool media_type) {
  Parameterized out;
  std::size_t i = 0;
  auto skip_ows = [&] {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
  };
  auto token = [&] {
    std::size_t start = i;
    while (i < v.size() && is_tchar(v[i])) ++i;
    return v.substr(start, i - start);
  };
  skip_ows();
  std::string_view type = token();
  if (type.empty()) return std::nullopt;
  out.type = lowered(type);
  if (media_type) {
    if (i >= v.size() || v[i] != '/') return std::nullopt;
    ++i;
    std::string_view sub = token();
    if (sub.empty()) return std::nullopt;
    out.type += '/' + lowered(sub);
  }
  for (;;) {
    skip_ows();
    if (i == v.size()) return out;
    if (v[i] != ';') return std::nullopt;
    ++i;
    skip_ows();
    std::string name = lowered(token());
    if (name.empty() || i >= v.size() || v[i] != '=') return std::nullopt;
    ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == v.size()) return std::nullopt;
          c = v[i++];
        }
        if (is_ctl(c)) return std::nullopt;
        value += c;
      }
      if (!closed) return std::nullopt;
    } else {
      value = std::string(token());
      if (value.empty()) return std::nullopt;
    }
    for (const auto& [n, _] : out.params)
      if (n == name) return std::nullopt;
    out.params.emplace_back(std::move(name), std::move(value));
  }
}

const std::string* param(const Parameterized& p, std::string_view name) {
  for (const auto& [n, v] : p.params)
    if (n == name) return &v;
  return nullptr;
}

FormError fail(std::string reason) { return FormError{std::move(reason)}; }

// One header line of a part (without its CRLF), into `part`.
std::optional<FormError> read_part_header(std::string_view line, FormPart& part, bool& seen_disposition,
                                          bool& seen_type) {
  if (line.front() == ' ' || line.front() == '\t') return fail("folded part header line");
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      !std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), is_tchar))
    return fail("malformed part header line");
  std::string_view name = line.substr(0, colon);
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (std::any_of(value.begin(), value.end(), is_ctl)) return fail("control character in a part header");

  if (iequals(name, "Content-Disposition")) {
    if (seen_disposition) return fail("two Content-Disposition headers in a part");
    seen_disposition = true;
    auto d = parse_parameterized(value, false);
    if (!d) return fail("malformed Content-Disposition");
    if (d->type != "form-data") return fail("part is not form-data");
    const std::string* n = param(*d, "name");
    if (!n || n->empty()) return fail("part has no name");
    if (n->size() > 256) return fail("part name too long");
    part.name = *n;
    if (const std::string* f = param(*d, "filename")) part.filename = *f;
  } else if (iequals(name, "Content-Type")) {
    if (seen_type) return fail("two Content-Type headers in a part");
    seen_type = true;
    if (!parse_parameterized(value, true)) return fail("malformed part Content-Type");
    part.content_type = std::string(value);
  } else if (iequals(name, "Content-Transfer-Encoding")) {
    // RFC 7578 section 4.7: deprecated; only the identity encodings mean anything here.
    std::string e = lowered(value);
    if (e != "7bit" && e != "8bit" && e != "binary") return fail("unsupported Content-Transfer-Encoding");
  }
  // RFC 7578 section 4.8: any other header field is ignored.
  return std::nullopt;
}

}  // namespace

void throw_exception_from_error(const FormError& e, const boost::source_location&) {
  throw std::runtime_error("multipart/form-data: " + e.reason);
}

std::string random_boundary() {
  std::array<unsigned char, 16> r{};
  if (!crypto::fill_random(r)) {
    std::random_device rd;  // OpenSSL's generator failed: still unpredictable enough for a boundary
    for (auto& b : r) b = static_cast<unsigned char>(rd());
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "reload-form-";
  for (unsigned char b : r) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out;
}

boost::system::result<EncodedForm, FormError> encode_form(const std::vector<FormPart>& parts,
                                                          std::string_view boundary) {
  if (!valid_boundary(boundary)) return fail("not a valid boundary");
  const std::string dash = "--" + std::string(boundary);
  // Header values cannot hold control characters; in quoted strings '"' and '\\' are
  // written as quoted-pairs (RFC 9110 section 5.6.4), which the parser reads back.
  auto has_ctl = [](std::string_view v) { return std::any_of(v.begin(), v.end(), is_ctl); };
  auto quoted = [](std::string_view v) {
    std::string q = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + '"';
  };
  EncodedForm out;
  out.content_type = "multipart/form-data; boundary=" + std::string(boundary);
  for (const auto& p : parts) {
    if (p.name.empty() || has_ctl(p.name) || (p.filename && has_ctl(*p.filename)) || has_ctl(p.content_type) ||
        (!p.content_type.empty() && !parse_parameterized(p.content_type, true)))
      return fail("a part's name, filename or content type cannot be encoded");
    if (p.body.find(dash) != std::string::npos) return fail("the boundary occurs in a part");
    out.body += dash;
    out.body += "\r\nContent-Disposition: form-data; name=" + quoted(p.name);
    if (p.filename) out.body += "; filename=" + quoted(*p.filename);
    out.body += "\r\n";
    if (!p.content_type.empty()) out.body += "Content-Type: " + p.content_type + "\r\n";
    out.body += "\r\n";
    out.body += p.body;
    out.body += "\r\n";
  }
  out.body += dash;
  out.body += "--\r\n";
  return out;
}

boost::system::result<std::vector<FormPart>, FormError> parse_form(std::string_view content_type,
                                                                   std::string_view body,
                                                                   const FormLimits& limits) {
  if (body.size() > limits.max_body_bytes) return fail("form too large");
  auto ct = parse_parameterized(content_type, true);
  if (!ct || ct->type != "multipart/form-data") return fail("not multipart/form-data");
  const std::string* boundary = param(*ct, "boundary");
  if (!boundary || !valid_boundary(*boundary)) return fail("no valid boundary");
  const std::string dash = "--" + *boundary;
  const std::string delimiter = "\r\n" + dash;

  // The first delimiter opens the body or ends a preamble (RFC 2046: ignored).
  std::size_t pos;
  if (body.starts_with(dash)) {
    pos = dash.size();
  } else {
    std::size_t f = body.find(delimiter);
    if (f == std::string_view::npos) return fail("no boundary in the body");
    pos = f + delimiter.size();
  }

  std::vector<FormPart> parts;
  for (;;) {
    // After a delimiter: "--" closes the form (an epilogue is ignored), else transport
    // padding and CRLF open a part.
    if (body.substr(pos).starts_with("--")) break;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (!body.substr(pos).starts_with("\r\n")) return fail("malformed boundary line");
    pos += 2;
    if (parts.size() == limits.max_parts) return fail("too many parts");

    FormPart part;
    bool seen_disposition = false, seen_type = false;
    const std::size_t header_start = pos;
    for (std::size_t lines = 0;;) {
      std::size_t eol = body.find("\r\n", pos);
      if (eol == std::string_view::npos) return fail("part headers do not end");
      if (eol + 2 - header_start > limits.max_header_bytes) return fail("part headers too large");
      std::string_view line = body.substr(pos, eol - pos);
      pos = eol + 2;
      if (line.empty()) break;
      if (++lines > limits.max_header_lines) return fail("too many part header lines");
      if (auto e = read_part_header(line, part, seen_disposition, seen_type)) return *e;
    }
    if (!seen_disposition) return fail("part without Content-Disposition");

    std::size_t end = body.find(delimiter, pos);
    if (end == std::string_view::npos) return fail("part does not end");
    if (end - pos > limits.max_part_bytes) return fail("part too large");
    if (limits.unique_names && find_part(parts, part.name))
      return fail("field '" + part.name + "' given twice");
    part.body = std::string(body.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = end + delimiter.size();
  }
  return parts;
}

const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name) {
  for (const auto& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace reload::config
