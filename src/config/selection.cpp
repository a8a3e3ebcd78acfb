#include "config/selection.hpp"

#include "config/lexical.hpp"
#include "config/signature_check.hpp"

namespace reload::config {

using boost::system::result;

namespace {

std::string describe_sequence(const Configuration& c) {
  return c.sequence ? "sequence " + std::to_string(*c.sequence) : "no sequence";
}

}  // namespace

result<SignedConfiguration, ConfigError> select_configuration(const OverlayDocument& doc,
                                                              std::string_view instance_name,
                                                              const SelectOptions& options) {
  const SignedConfiguration* best = nullptr;
  std::string others;
  for (const auto& sc : doc.configurations) {
    if (sc.config.instance_name != instance_name) {
      others += (others.empty() ? "" : ", ") + sc.config.instance_name;
      continue;
    }
    if (!best || sequence_rank(sc.config) > sequence_rank(best->config)) {
      best = &sc;
    } else if (sequence_rank(sc.config) == sequence_rank(best->config) && sc.text != best->text) {
      return ConfigError{ConfigErrc::duplicate, doc.source_name, sc.line, "configuration",
                         "a second, different configuration for " + std::string(instance_name) +
                             " with " + describe_sequence(sc.config) + " (first on line " +
                             std::to_string(best->line) + ")"};
    }
  }
  if (!best)
    return ConfigError{ConfigErrc::not_found, doc.source_name, 0, "",
                       "no configuration for overlay '" + std::string(instance_name) +
                           "' in this document" + (others.empty() ? "" : " (it has " + others + ")")};

  const Configuration& c = best->config;
  if (c.expired(options.now))
    return ConfigError{ConfigErrc::expired, doc.source_name, best->line, "configuration",
                       "the configuration for " + c.instance_name + " (" + describe_sequence(c) +
                           ") expired at " + format_date_time(*c.expiration) +
                           "; fetch a fresh configuration document"};

  if (const auto* cur = options.current) {
    if (sequence_rank(c) < sequence_rank(cur->config))
      return ConfigError{ConfigErrc::too_old, doc.source_name, best->line, "configuration",
                         describe_sequence(c) + " is older than the configuration in force (" +
                             describe_sequence(cur->config) + ")"};
    if (sequence_rank(c) == sequence_rank(cur->config) && best->text != cur->text)
      return ConfigError{ConfigErrc::too_old, doc.source_name, best->line, "configuration",
                         "differs from the configuration in force but has the same " +
                             describe_sequence(c) + "; a changed configuration needs a higher sequence"};
  }

  if (options.verify_signatures) {
    VerifyOptions v;
    v.now = options.now;
    v.previous = options.current ? &options.current->config : nullptr;
    if (auto r = verify_signed_configuration(*best, v); !r) return r.error();
  }
  return *best;
}

}  // namespace reload::config
