// The two error categories of include/reload/errors.hpp.
#include <string>

#include <reload/errors.hpp>

namespace reload {

const char* errc_name(std::uint16_t code) noexcept {
  switch (static_cast<errc>(code)) {
    case errc::forbidden: return "Error_Forbidden";
    case errc::not_found: return "Error_Not_Found";
    case errc::request_timeout: return "Error_Request_Timeout";
    case errc::generation_counter_too_low: return "Error_Generation_Counter_Too_Low";
    case errc::incompatible_with_overlay: return "Error_Incompatible_with_Overlay";
    case errc::unsupported_forwarding_option: return "Error_Unsupported_Forwarding_Option";
    case errc::data_too_large: return "Error_Data_Too_Large";
    case errc::data_too_old: return "Error_Data_Too_Old";
    case errc::ttl_exceeded: return "Error_TTL_Exceeded";
    case errc::message_too_large: return "Error_Message_Too_Large";
    case errc::unknown_kind: return "Error_Unknown_Kind";
    case errc::unknown_extension: return "Error_Unknown_Extension";
    case errc::response_too_large: return "Error_Response_Too_Large";
    case errc::config_too_old: return "Error_Config_Too_Old";
    case errc::config_too_new: return "Error_Config_Too_New";
    case errc::in_progress: return "Error_In_Progress";
    case errc::exp_a: return "Error_Exp_A";
    case errc::exp_b: return "Error_Exp_B";
    case errc::invalid_message: return "Error_Invalid_Message";
  }
  return nullptr;
}

namespace {

class ReloadCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reload"; }
  std::string message(int ev) const override {
    if (ev < 0 || ev > 0xffff) return "not a RELOAD error code";
    const char* n = errc_name(static_cast<std::uint16_t>(ev));
    return n ? n : "unassigned RELOAD error code " + std::to_string(ev);
  }
};

class CodecCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reload.codec"; }
  std::string message(int ev) const override {
    switch (static_cast<codec_errc>(ev)) {
      case codec_errc::truncated: return "truncated";
      case codec_errc::length_exceeds_limit: return "length exceeds the configured limit";
      case codec_errc::trailing_bytes: return "trailing bytes";
      case codec_errc::bad_relo_token: return "not a RELOAD message (bad relo_token)";
      case codec_errc::unsupported_version: return "unsupported RELOAD version";
      case codec_errc::bad_fragment_field: return "fragment field lacks its top bit";
      case codec_errc::length_mismatch: return "length field disagrees with the message size";
      case codec_errc::fragmented: return "message is a fragment";
      case codec_errc::unknown_type: return "unknown type";
      case codec_errc::invalid_value: return "invalid value";
      case codec_errc::resource_not_last: return "Resource-ID not in final position";
      case codec_errc::unknown_data_model: return "data model of the kind is unknown";
      case codec_errc::value_too_long: return "value too long for its length field";
      case codec_errc::fragment_conflict: return "fragments conflict";
      case codec_errc::reassembly_limit: return "reassembly memory limit reached";
    }
    return "unknown codec error";
  }
};

}  // namespace

const boost::system::error_category& reload_category() noexcept {
  static const ReloadCategory c;
  return c;
}

const boost::system::error_category& codec_category() noexcept {
  static const CodecCategory c;
  return c;
}

}  // namespace reload
