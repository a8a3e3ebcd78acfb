#include "xmpp/stream_error.hpp"

#include <array>
#include <utility>

#include "xmpp/xml_writer.hpp"

namespace reload::xmpp {

namespace {

constexpr std::array<std::pair<stream_errc, std::string_view>, 25> condition_names{{
    {stream_errc::bad_format, "bad-format"},
    {stream_errc::bad_namespace_prefix, "bad-namespace-prefix"},
    {stream_errc::conflict, "conflict"},
    {stream_errc::connection_timeout, "connection-timeout"},
    {stream_errc::host_gone, "host-gone"},
    {stream_errc::host_unknown, "host-unknown"},
    {stream_errc::improper_addressing, "improper-addressing"},
    {stream_errc::internal_server_error, "internal-server-error"},
    {stream_errc::invalid_from, "invalid-from"},
    {stream_errc::invalid_namespace, "invalid-namespace"},
    {stream_errc::invalid_xml, "invalid-xml"},
    {stream_errc::not_authorized, "not-authorized"},
    {stream_errc::not_well_formed, "not-well-formed"},
    {stream_errc::policy_violation, "policy-violation"},
    {stream_errc::remote_connection_failed, "remote-connection-failed"},
    {stream_errc::reset, "reset"},
    {stream_errc::resource_constraint, "resource-constraint"},
    {stream_errc::restricted_xml, "restricted-xml"},
    {stream_errc::see_other_host, "see-other-host"},
    {stream_errc::system_shutdown, "system-shutdown"},
    {stream_errc::undefined_condition, "undefined-condition"},
    {stream_errc::unsupported_encoding, "unsupported-encoding"},
    {stream_errc::unsupported_feature, "unsupported-feature"},
    {stream_errc::unsupported_stanza_type, "unsupported-stanza-type"},
    {stream_errc::unsupported_version, "unsupported-version"},
}};

class StreamCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "xmpp.stream"; }
  std::string message(int ev) const override {
    auto n = stream_condition_name(static_cast<stream_errc>(ev));
    return n.empty() ? "unknown stream error condition " + std::to_string(ev)
                     : "stream error <" + std::string(n) + "/>";
  }
};

}  // namespace

std::string_view stream_condition_name(stream_errc condition) noexcept {
  for (const auto& [c, n] : condition_names)
    if (c == condition) return n;
  return {};
}

std::optional<stream_errc> stream_condition_from_name(std::string_view name) noexcept {
  for (const auto& [c, n] : condition_names)
    if (n == name) return c;
  return std::nullopt;
}

const boost::system::error_category& stream_category() noexcept {
  static const StreamCategory c;
  return c;
}

void append_stream_error(std::string& out, stream_errc condition, std::string_view text) {
  auto name = stream_condition_name(condition);
  if (name.empty()) name = stream_condition_name(stream_errc::undefined_condition);
  out += "<stream:error><";
  out += name;
  out += " xmlns='";
  out += ns::stream_errors;
  out += "'/>";
  if (!text.empty()) {
    const std::size_t before = out.size();
    out += "<text xmlns='";
    out += ns::stream_errors;
    out += "'>";
    if (append_escaped_text(out, text))
      out.resize(before);  // a diagnostic is not worth a malformed error
    else
      out += "</text>";
  }
  out += "</stream:error>";
}

std::string stream_error_and_close(stream_errc condition) {
  std::string out;
  append_stream_error(out, condition);
  out += "</stream:stream>";
  return out;
}

stream_errc stream_error_condition(const Element& stream_error) {
  for (const Element& child : stream_error.child_elements()) {
    if (child.ns() != ns::stream_errors || child.name() == "text") continue;
    return stream_condition_from_name(child.name()).value_or(stream_errc::undefined_condition);
  }
  return stream_errc::undefined_condition;
}

}  // namespace reload::xmpp
