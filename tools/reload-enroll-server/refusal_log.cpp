#include "refusal_log.hpp"

#include <fmt/format.h>

namespace reload::enroll {

std::shared_ptr<RefusalLog> RefusalLog::make(boost::asio::any_io_executor ex, Log log,
                                             std::chrono::milliseconds interval) {
  return std::shared_ptr<RefusalLog>(new RefusalLog(std::move(ex), std::move(log), interval));
}

void RefusalLog::refused(const std::string& reason, const std::string& who) {
  if (!armed_) {
    log_(fmt::format("{} refused: {}", who, reason));
    arm();
    return;
  }
  ++counts_[reason];
  last_ = who;
}

void RefusalLog::arm() {
  armed_ = true;
  timer_.expires_after(interval_);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    self->flush();
  });
}

void RefusalLog::flush() {
  if (counts_.empty()) {
    armed_ = false;  // quiet for a whole interval: the next refusal is logged at once
    return;
  }
  std::size_t total = 0;
  std::string parts;
  for (const auto& [reason, n] : counts_) {
    total += n;
    parts += fmt::format("{}{}: {}", parts.empty() ? "" : "; ", reason, n);
  }
  log_(fmt::format("refused {} more in the last {} ms ({}), the last from {}", total, interval_.count(), parts, last_));
  counts_.clear();
  arm();
}

}  // namespace reload::enroll
