#include "transport/admission_stage.hpp"

namespace reload::transport {

AdmissionStage::Admission AdmissionStage::enter(std::uint64_t name, TimePoint now) {
  Admission a;
  if (live_.size() >= capacity_) {
    auto& oldest = live_.front();
    if (now - oldest.since <= stale_) return a;
    oldest.evicted = true;
    a.evict = oldest.name;
    evicted_.splice(evicted_.end(), live_, live_.begin());
    ++evictions_;
  }
  a.ticket = live_.insert(live_.end(), Entry{name, now});
  return a;
}

}  // namespace reload::transport
