#include "usage/location_records.hpp"

#include <algorithm>
#include <set>

#include "wire/codec.hpp"
#include "wire/xmpp_location.hpp"

namespace reload::usage {

wire::DictionaryEntry own_location_entry(const wire::NodeId& self, std::uint8_t priority, wire::Buffer& storage) {
  const auto value = wire::encode_to_buffer(wire::XmppLocation{wire::XmppLocationRoute{priority, {self}}}).value();
  storage.assign(self.bytes().begin(), self.bytes().end());  // key, then value: the views point into storage
  storage.insert(storage.end(), value.begin(), value.end());
  const wire::Bytes all(storage);
  return wire::DictionaryEntry{all.first(self.size()), wire::DataValue{true, all.subspan(self.size())}};
}

wire::DictionaryEntry removed_location_entry(const wire::NodeId& self, wire::Buffer& storage) {
  storage.assign(self.bytes().begin(), self.bytes().end());
  return wire::DictionaryEntry{wire::Bytes(storage), wire::DataValue{false, {}}};
}

UserLocations read_locations(const wire::FetchAns& answer, wire::KindId kind, std::size_t node_id_length) {
  UserLocations out;
  wire::CodecContext ctx;
  ctx.node_id_length = node_id_length;
  std::set<std::vector<wire::NodeId>> routes_seen;
  for (const auto& response : answer.kind_responses) {
    if (response.kind != kind) continue;
    for (const auto& stored : response.values) {
      const auto* entry = std::get_if<wire::DictionaryEntry>(&stored.value);
      if (!entry || !entry->value.exists) {
        ++out.unusable;
        continue;
      }
      auto location = wire::decode_exact<wire::XmppLocation>(entry->value.value, ctx);
      if (!location) {
        ++out.unusable;
        continue;
      }
      if (const auto* address = std::get_if<wire::XmppLocationAddress>(&location->data)) {
        std::string jid(address->address.begin(), address->address.end());
        if (jid.empty()) ++out.unusable;
        else if (std::find(out.forwards.begin(), out.forwards.end(), jid) == out.forwards.end())
          out.forwards.push_back(std::move(jid));
        continue;
      }
      const auto* route = std::get_if<wire::XmppLocationRoute>(&location->data);
      std::vector<wire::NodeId> hops;
      bool all_node_ids = route && !route->destination_list.empty();
      for (const auto& d : route ? route->destination_list : wire::DestinationList{}) {
        const auto* id = std::get_if<wire::NodeId>(&d);
        if (!id) {
          all_node_ids = false;
          break;
        }
        hops.push_back(*id);
      }
      const bool keyed_by_device = all_node_ids && std::ranges::equal(entry->key, hops.back().bytes());
      if (!keyed_by_device) {
        ++out.unusable;
        continue;
      }
      if (!routes_seen.insert(hops).second) continue;  // section 5, step 3
      out.routes.push_back(RouteLocation{hops.back(), hops, route->priority});
    }
  }
  std::stable_sort(out.routes.begin(), out.routes.end(),
                   [](const RouteLocation& a, const RouteLocation& b) { return a.priority < b.priority; });
  return out;
}

}  // namespace reload::usage
