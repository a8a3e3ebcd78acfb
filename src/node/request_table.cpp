#include "node/request_table.hpp"

#include <algorithm>

namespace reload::node {

namespace {

// Section 6.3.4, first check: an answer to a Node-ID comes from that Node-ID, unless it
// went to the wildcard. Second: one to a Resource-ID comes from a peer at least as close.
bool may_answer(const wire::Destination& target, const wire::NodeId& sender, const ResponderRule& rule) {
  if (const auto* n = std::get_if<wire::NodeId>(&target)) return n->is_wildcard() || *n == sender;
  if (const auto* r = std::get_if<wire::ResourceId>(&target)) return rule.close_enough(*r, sender);
  return false;  // opaque or compressed targets are never originated by this node
}

}  // namespace

std::uint64_t RequestTable::new_id() {
  std::uint64_t id;
  do id = draw_id_(); while (id == 0 || by_id_.contains(id));
  return id;
}

bool RequestTable::start(Request request, TimePoint now) {
  const auto id = request.id;
  if (by_id_.contains(id)) return false;
  const int most = request.transmissions > 0 ? std::min(request.transmissions, settings_.max_transmissions)
                                             : settings_.max_transmissions;
  const TimePoint deadline = now + settings_.timer;
  deadlines_.emplace(deadline, id);
  by_id_.emplace(id, Entry{std::move(request), 1, most, deadline});
  return true;
}

void RequestTable::forget(std::map<std::uint64_t, Entry>::iterator it) {
  deadlines_.erase({it->second.deadline, it->first});
  by_id_.erase(it);
}

ResponseHandler RequestTable::take_answer(std::uint64_t id, const wire::NodeId& sender, bool forwarding_error,
                                          const ResponderRule& rule, Verdict& verdict) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    verdict = Verdict::unknown;
    return {};
  }
  if (!forwarding_error && !may_answer(it->second.request.target, sender, rule)) {
    // Churn can make an honest answer look wrong (a closer neighbor arrived meanwhile):
    // the request keeps waiting and is retransmitted, as section 6.3.4 says.
    ++refused_;
    verdict = Verdict::wrong_responder;
    return {};
  }
  verdict = Verdict::accepted;
  auto done = std::move(it->second.request.done);
  forget(it);
  return done;
}

void RequestTable::cancel(std::uint64_t id) {
  if (auto it = by_id_.find(id); it != by_id_.end()) forget(it);
}

std::vector<ResponseHandler> RequestTable::take_all() {
  std::vector<ResponseHandler> out;
  out.reserve(by_id_.size());
  for (auto& [id, e] : by_id_) out.push_back(std::move(e.request.done));
  by_id_.clear();
  deadlines_.clear();
  return out;
}

std::optional<TimePoint> RequestTable::periodic(TimePoint now, Due& due) {
  due.resend.clear();
  due.failed.clear();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const auto id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = by_id_.find(id);
    auto& e = it->second;
    if (e.sent >= e.max_transmissions) {
      due.failed.push_back(std::move(e.request.done));
      by_id_.erase(it);
      continue;
    }
    ++e.sent;
    e.deadline = now + settings_.timer;
    deadlines_.emplace(e.deadline, id);
    due.resend.push_back({e.request.first, wire::Bytes(e.request.encoded)});
  }
  return next_deadline();
}

std::optional<TimePoint> RequestTable::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

}  // namespace reload::node
