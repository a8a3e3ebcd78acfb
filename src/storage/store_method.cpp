// DataStore::store (RFC 6940 section 7.4.1): check everything, then change everything.
#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <string>

#include "crypto/certificate_cache.hpp"
#include "crypto/signing.hpp"
#include "storage/access_control.hpp"
#include "storage/data_store.hpp"
#include "wire/codec.hpp"

namespace reload::storage {

namespace {

using config::KindDefinition;

// The values of one StoreKindData once they passed the per-value checks.
struct StagedKind {
  const wire::StoreKindData* request;
  const KindDefinition* kind;
  std::vector<StoredValue> values;
};

std::string kind_label(wire::KindId kind) { return "Kind " + std::to_string(kind); }

std::string_view model_label(wire::DataModel m) { return config::data_model_name(m); }

// The per-value checks of section 7.4.1.1 that need nothing but the value: it decodes as
// the Kind's model, is signed (not synthesized), the signature verifies, and its signer,
// and for an original store the StoreReq's signer, pass the Kind's policy.
Result<StoredValue> admit(const wire::StoredData& data, const wire::StoreReq& request,
                          const KindDefinition& kind, const AccessRule& rule, const StoreContext& ctx) {
  // The value is kept as its encoding, so that encoding is what gets checked: encode it
  // (a RawValue re-encodes byte for byte) and decode it with this Kind's model.
  wire::Buffer encoded;
  wire::Writer w(encoded);
  encode(w, data);
  if (!w.ok()) return text_error(errc::invalid_message, kind_label(kind.id) + ": a StoredData does not encode");
  wire::DecodeError detail;
  auto decoded = wire::decode_stored_data(encoded, kind.data_model, wire::CodecContext{}, &detail);
  if (!decoded)
    return text_error(errc::invalid_message, kind_label(kind.id) + ": a value is not a " +
                                                 std::string(model_label(kind.data_model)) + " value: " +
                                                 detail.message());
  if (wire::is_synthesized(decoded->signature))
    return text_error(errc::forbidden, kind_label(kind.id) + ": an unsigned value (identity none or algorithm {0,0})");
  auto signer = crypto::verify_stored_data(*decoded, request.resource, kind.id, ctx.certificates, ctx.cache,
                                           ctx.wall_now);
  if (!signer)
    return text_error(errc::forbidden, kind_label(kind.id) + ": the value's signature was refused: " +
                                           signer.error().message());
  if (auto v = check_access(rule, request.resource, decoded->value, *signer); v != AccessVerdict::allowed)
    return text_error(errc::forbidden, kind_label(kind.id) + " (" +
                                           std::string(config::access_control_name(rule.policy)) +
                                           "): " + std::string(verdict_text(v)));
  if (request.replica_number == 0) {
    auto v = check_access(rule, request.resource, decoded->value, *ctx.request_signer);
    if (v != AccessVerdict::allowed)
      return text_error(errc::forbidden, kind_label(kind.id) + " (" +
                                             std::string(config::access_control_name(rule.policy)) +
                                             "): the StoreReq's signer: " + std::string(verdict_text(v)));
  }
  // A signature is worth nothing once its certificate has expired (section 7.1): the value
  // goes no later than that ("setting the upper bound on data storage to the lifetime of the
  // signing certificate").
  TimePoint expiry = expiry_after(ctx.now, decoded->lifetime);
  auto certificate_left =
      std::chrono::duration_cast<Clock::duration>(signer->certificate.not_after() - ctx.wall_now);
  if (certificate_left < expiry - ctx.now) expiry = ctx.now + certificate_left;
  return StoredValue(std::move(encoded), kind.data_model, expiry, signer->certificate);
}

}  // namespace

Result<wire::Buffer> DataStore::store(const wire::StoreReq& request, const StoreContext& ctx) {
  const bool replica = request.replica_number != 0;
  // Cheap checks of the whole request first.
  if (wire::has_duplicate_kinds(request))
    return text_error(errc::invalid_message, "a Kind-ID appears twice in the StoreReq");
  std::vector<wire::KindId> unknown;
  for (const auto& kd : request.kind_data)
    if (!config_.find_kind(kd.kind)) unknown.push_back(kd.kind);
  if (!unknown.empty()) return unknown_kinds_error(unknown);
  if (!replica && !ctx.request_signer)
    return text_error(errc::forbidden, "the StoreReq's signer is not known");
  if (replica)
    for (const auto& kd : request.kind_data)
      if (kd.generation_counter == 0)
        return text_error(errc::invalid_message, kind_label(kd.kind) + ": a replica store with generation counter 0");

  // Every value: decodes, is signed, and its signer may write it.
  std::vector<StagedKind> staged;
  staged.reserve(request.kind_data.size());
  for (const auto& kd : request.kind_data) {
    const KindDefinition& kind = *config_.find_kind(kd.kind);
    AccessRule rule = access_rule(kind, config_);
    rule.node_multiple_index = &node_multiple_;
    StagedKind s{&kd, &kind, {}};
    s.values.reserve(kd.values.size());
    for (const auto& data : kd.values) {
      auto admitted = admit(data, request, kind, rule, ctx);
      if (!admitted) return admitted.error();
      s.values.push_back(std::move(*admitted));
    }
    staged.push_back(std::move(s));
  }

  // Generation counters: an original store names the current one, or 0 to skip the check.
  if (!replica) {
    bool stale = std::any_of(request.kind_data.begin(), request.kind_data.end(), [&](const auto& kd) {
      return kd.generation_counter != 0 && kd.generation_counter != generation(request.resource, kd.kind);
    });
    if (stale) {
      wire::StoreAns current;
      for (const auto& kd : request.kind_data)
        current.kind_responses.push_back({kd.kind, generation(request.resource, kd.kind), {}});
      return generation_error(current, "a generation counter is not the stored one");
    }
  }

  // Against what is stored: appends find their index, nothing is older than what it
  // replaces, each value fits max-size and the Kind's values fit max-count.
  for (auto& s : staged) {
    const KindDefinition& kind = *s.kind;
    const KindSet* set = find_set(request.resource, kind.id);
    if (kind.data_model == wire::DataModel::array) {
      std::uint64_t end = set ? set->array_end(ctx.now) : 0;
      for (auto& v : s.values) {
        std::uint32_t index = v.slot().index;
        if (index == wire::array_last_index) {
          if (end >= wire::array_last_index)
            return text_error(errc::data_too_large, kind_label(kind.id) + ": the array has no index left to append at");
          index = static_cast<std::uint32_t>(end);
          v.set_index(index);
        }
        end = std::max<std::uint64_t>(end, std::uint64_t{index} + 1);
      }
    }
    for (const auto& v : s.values)
      if (v.value().size() > kind.max_size)
        return text_error(errc::data_too_large, kind_label(kind.id) + ": a value of " +
                                                    std::to_string(v.value().size()) + " bytes exceeds max-size " +
                                                    std::to_string(kind.max_size));
    // Values are processed in turn (section 7.4.1.1): a value replaces the previous one in
    // its slot, from this request or from the store, and must not be older than it.
    std::vector<std::size_t> order(s.values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return s.values[a].slot() < s.values[b].slot(); });
    std::size_t new_slots = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      const StoredValue& v = s.values[order[i]];
      bool first_in_slot = i == 0 || !(s.values[order[i - 1]].slot() == v.slot());
      const StoredValue* prior = first_in_slot ? (set ? set->find(v.slot(), ctx.now) : nullptr)
                                               : &s.values[order[i - 1]];
      if (prior && v.storage_time() < prior->storage_time())
        return text_error(errc::data_too_old, kind_label(kind.id) + ": storage_time " +
                                                  std::to_string(v.storage_time()) + " is older than the stored " +
                                                  std::to_string(prior->storage_time()));
      if (first_in_slot && !prior) ++new_slots;
    }
    std::size_t count = (set ? set->live_count(ctx.now) : 0) + new_slots;
    if (count > kind.max_count)
      return text_error(errc::data_too_large, kind_label(kind.id) + ": " + std::to_string(count) +
                                                  " values exceed max-count " + std::to_string(kind.max_count));
  }

  // Everything passed: apply.
  for (auto& s : staged) {
    if (s.values.empty()) continue;
    KindSet& set = set_for(request.resource, *s.kind);
    value_count_ -= set.purge(ctx.now);
    bool changed = false;
    for (auto& v : s.values) {
      TimePoint at = v.expiry();
      auto outcome = set.put(std::move(v));
      if (outcome == KindSet::PutOutcome::added) ++value_count_;
      changed |= outcome != KindSet::PutOutcome::unchanged;
      schedule(at, request.resource, s.kind->id);
    }
    if (replica)
      set.set_generation(s.request->generation_counter);  // replicas copy the counter
    else if (changed && set.generation() != std::numeric_limits<std::uint64_t>::max())
      set.set_generation(set.generation() + 1);
    set.set_replica_number(request.replica_number);
  }

  wire::StoreAns answer;
  for (const auto& kd : request.kind_data)
    answer.kind_responses.push_back(
        {kd.kind, generation(request.resource, kd.kind), {ctx.replicas.begin(), ctx.replicas.end()}});
  auto body = wire::encode_to_buffer(answer);
  if (!body) return text_error(errc::response_too_large, "the StoreAns does not fit its length fields");
  return std::move(*body);
}

}  // namespace reload::storage
