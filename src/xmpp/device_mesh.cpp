#include "xmpp/device_mesh.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace reload::xmpp {

namespace {

// Own devices to (re)connect, in the order section 6.1 recommends for sequential attempts.
std::vector<std::string> unlinked_own_devices(std::string_view own_bare_jid,
                                              std::string_view own_node_id,
                                              std::span<const DeviceLink> links,
                                              std::span<const LocatedDevice> own_devices) {
  std::set<std::string_view> linked;
  for (const auto& link : links)
    if (link.bare_jid == own_bare_jid) linked.insert(link.node_id);

  std::vector<const LocatedDevice*> missing;
  std::set<std::string_view> listed;  // section 5: duplicate destination lists are removed
  for (const auto& device : own_devices) {
    if (device.node_id == own_node_id || linked.contains(device.node_id)) continue;
    if (listed.insert(device.node_id).second) missing.push_back(&device);
  }
  std::stable_sort(missing.begin(), missing.end(),
                   [](const auto* a, const auto* b) { return a->priority < b->priority; });

  std::vector<std::string> connect;
  for (const auto* device : missing) connect.push_back(device->node_id);
  return connect;
}

// Other users' links that are redundant: all but each user's preferred one (smallest
// priority, then oldest link), so that closing never cuts a user off.
std::vector<const DeviceLink*> redundant_links(std::string_view own_bare_jid,
                                               std::span<const DeviceLink> links) {
  auto preferred = [](const DeviceLink* a, const DeviceLink* b) {
    return std::tie(a->priority, a->id) < std::tie(b->priority, b->id);
  };
  std::map<std::string_view, const DeviceLink*> kept;
  for (const auto& link : links) {
    if (link.bare_jid == own_bare_jid) continue;
    auto [at, inserted] = kept.try_emplace(link.bare_jid, &link);
    if (!inserted && preferred(&link, at->second)) at->second = &link;
  }

  std::vector<const DeviceLink*> redundant;
  for (const auto& link : links)
    if (link.bare_jid != own_bare_jid && kept.at(link.bare_jid) != &link)
      redundant.push_back(&link);
  // Biggest priority number first (section 6.1); among equals the newest link, since the
  // older one is more likely to be carrying a conversation.
  std::sort(redundant.begin(), redundant.end(), [](const auto* a, const auto* b) {
    return std::tie(a->priority, a->id) > std::tie(b->priority, b->id);
  });
  return redundant;
}

}  // namespace

MeshPlan plan_device_mesh(std::string_view own_bare_jid, std::string_view own_node_id,
                          std::span<const DeviceLink> links,
                          std::span<const LocatedDevice> own_devices, std::size_t link_budget) {
  MeshPlan plan;
  plan.connect = unlinked_own_devices(own_bare_jid, own_node_id, links, own_devices);
  if (links.size() <= link_budget) return plan;

  const std::size_t excess = links.size() - link_budget;
  const auto redundant = redundant_links(own_bare_jid, links);
  const std::size_t closing = std::min(excess, redundant.size());
  for (std::size_t i = 0; i < closing; ++i) plan.close.push_back(redundant[i]->id);
  plan.over_budget = excess - closing;
  return plan;
}

}  // namespace reload::xmpp
