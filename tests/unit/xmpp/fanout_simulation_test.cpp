// Network-free simulation of XEP-0415 section 6.2 fan-out: one StanzaRouter per device,
// streams between devices as an in-memory set of copies in flight, delivered in a random
// order (any interleaving, even within one stream), with links going down and coming back.
// Checks that every message reaches each device that could get it exactly once, that
// nothing reaches a device twice, and that the copies per message stay bounded (no loops).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "xmpp/device_mesh.hpp"
#include "xmpp/fanout_router.hpp"

using namespace reload::xmpp;
using namespace std::chrono_literals;
using fanout::Wrapping;

namespace {

constexpr int seeds = 500;

struct DeviceSpec {
  std::string user;
  std::string resource;
  std::uint8_t priority;
};

// Three users with three, two and one devices.
std::vector<DeviceSpec> three_users() {
  return {{"alice@example.org", "a1", 10}, {"alice@example.org", "a2", 20},
          {"alice@example.org", "a3", 30}, {"bob@example.org", "b1", 10},
          {"bob@example.org", "b2", 20},   {"carol@example.org", "c1", 10}};
}

struct Delivery {
  int device;
  CarbonKind how;  // none: the original; received or sent: a carbon
};

// A message as its sender sent it, with what is needed to say where it must arrive.
struct SentMessage {
  std::string origin_id;
  int sender;
  std::string recipient_user;
  bool carbons;                      // neither private nor no-copy
  bool routed;                       // the sender had a link to some recipient device
  std::set<std::pair<int, int>> up;  // the links while it was in flight (stable rounds)
};

class Simulation {
 public:
  Simulation(std::vector<DeviceSpec> specs, std::uint64_t seed)
      : specs_(std::move(specs)), random_(seed) {
    for (const auto& spec : specs_) {
      int counter = 0;
      std::string prefix = spec.resource;
      routers_.emplace_back(StanzaAddress{spec.user, spec.resource}, [prefix, counter]() mutable {
        return prefix + "-" + std::to_string(++counter);
      });
    }
  }

  int size() const { return static_cast<int>(specs_.size()); }
  const DeviceSpec& spec(int device) const { return specs_[device]; }
  bool same_user(int a, int b) const { return specs_[a].user == specs_[b].user; }
  std::mt19937_64& random() { return random_; }
  const StanzaRouter& router(int device) const { return routers_[device]; }

  bool up(int a, int b) const { return links_.contains(ordered(a, b)); }
  std::set<std::pair<int, int>> links() const {
    std::set<std::pair<int, int>> all;
    for (const auto& [pair, ids] : links_) all.insert(pair);
    return all;
  }

  // A new stream between two devices: each end gets a link id never used before.
  void connect(int a, int b) {
    if (a == b || up(a, b)) return;
    const LinkId at_a = next_link_++, at_b = next_link_++;
    links_[ordered(a, b)] = {at_a, at_b};
    ends_[at_a] = {a, b, at_b};
    ends_[at_b] = {b, a, at_a};
    routers_[a].on_link_up(device_link(at_a, b));
    routers_[b].on_link_up(device_link(at_b, a));
  }

  // The stream closes; copies in flight on it are lost.
  void disconnect(int a, int b) {
    auto found = links_.find(ordered(a, b));
    if (found == links_.end()) return;
    auto [first, second] = found->second;
    routers_[ends_[first].owner].on_link_down(first);
    routers_[ends_[second].owner].on_link_down(second);
    ends_.erase(first);
    ends_.erase(second);
    links_.erase(found);
  }

  // Applies a mesh plan computed by `device` on its own links.
  void close_links(int device, const std::vector<LinkId>& ids) {
    for (LinkId id : ids) {
      auto end = ends_.find(id);
      REQUIRE(end != ends_.end());
      REQUIRE(end->second.owner == device);
      disconnect(device, end->second.peer);
    }
  }

  std::vector<DeviceLink> links_of(int device) const {
    std::vector<DeviceLink> result;
    for (const auto& [id, end] : ends_)
      if (end.owner == device) result.push_back(device_link(id, end.peer));
    return result;
  }

  // The local client of `sender` sends a chat or normal message; returns its origin-id.
  std::string send(int sender, const std::string& to_user, bool carbons,
                   std::optional<std::string> origin_id = std::nullopt) {
    StanzaEnvelope message;
    message.kind = StanzaKind::message;
    message.message_type = coin(0.5) ? MessageType::chat : MessageType::normal;
    message.to.bare = to_user;
    // The resource named does not change fan-out; name one sometimes, even a missing one.
    const auto pick = random_() % 4;
    if (pick == 1) message.to.resource = "elsewhere";
    if (pick >= 2) {
      for (int d = 0; d < size(); ++d)
        if (specs_[d].user == to_user && coin(0.5)) message.to.resource = specs_[d].resource;
    }
    if (!carbons) {  // opted out by <private/>, <no-copy/> or both
      const auto how = random_() % 3;
      message.private_hint = how != 1;
      message.no_copy_hint = how != 0;
    }
    message.origin_id = std::move(origin_id);

    auto effects = routers_[sender].on_local_send(std::move(message), now_);
    REQUIRE_FALSE(effects.empty());
    const auto& stanza = std::visit([](const auto& e) { return e.stanza; }, effects.front());
    REQUIRE(stanza->origin_id.has_value());
    std::string id = *stanza->origin_id;
    apply(sender, effects);
    return id;
  }

  // One copy in flight, picked at random, arrives. False when nothing is in flight.
  bool deliver_one() {
    if (in_flight_.empty()) return false;
    std::uniform_int_distribution<std::size_t> pick(0, in_flight_.size() - 1);
    const std::size_t at = pick(random_);
    std::swap(in_flight_[at], in_flight_.back());
    Copy copy = std::move(in_flight_.back());
    in_flight_.pop_back();
    now_ += 1ms;
    if (!ends_.contains(copy.link_at_receiver)) return true;  // its stream closed meanwhile
    apply(copy.receiver, routers_[copy.receiver].on_stanza_received(copy.link_at_receiver,
                                                                    std::move(copy.stanza), now_));
    return true;
  }

  bool in_flight() const { return !in_flight_.empty(); }

  const std::vector<Delivery>& deliveries(const std::string& origin_id) {
    return deliveries_[origin_id];
  }
  std::size_t copies(const std::string& origin_id) { return copies_[origin_id]; }
  std::size_t total_deliveries() const {
    std::size_t n = 0;
    for (const auto& [id, list] : deliveries_) n += list.size();
    return n;
  }

  bool coin(double p) { return std::bernoulli_distribution(p)(random_); }

 private:
  struct End {
    int owner;
    int peer;
    LinkId peer_link;
  };
  struct Copy {
    int receiver;
    LinkId link_at_receiver;
    StanzaEnvelope stanza;
  };

  static std::pair<int, int> ordered(int a, int b) { return {std::min(a, b), std::max(a, b)}; }

  DeviceLink device_link(LinkId id, int peer) const {
    const auto& spec = specs_[peer];
    return DeviceLink{id, spec.user, spec.resource, "node-" + spec.resource, spec.priority};
  }

  // Carries out a router's effects: copies go on the wire as the stream layer would write
  // them, deliveries are recorded.
  void apply(int device, const std::vector<fanout::Effect>& effects) {
    for (const auto& effect : effects) {
      if (const auto* send = std::get_if<fanout::SendTo>(&effect)) {
        const End& end = ends_.at(send->link);
        REQUIRE(end.owner == device);
        const auto& peer = specs_[end.peer];
        StanzaEnvelope wire;
        switch (send->wrapping) {
          case Wrapping::as_is:
            wire = *send->stanza;
            break;
          case Wrapping::received_carbon:
            wire = wrap_in_carbon(CarbonKind::received, send->stanza, specs_[device].user,
                                  {peer.user, peer.resource});
            break;
          case Wrapping::sent_carbon:
            wire = wrap_in_carbon(CarbonKind::sent, send->stanza, specs_[device].user,
                                  {peer.user, peer.resource});
            break;
        }
        ++copies_[*send->stanza->origin_id];
        in_flight_.push_back(Copy{end.peer, end.peer_link, std::move(wire)});
      } else if (const auto* deliver = std::get_if<fanout::DeliverLocally>(&effect)) {
        const auto& stanza = *deliver->stanza;
        const auto& original = stanza.carbon == CarbonKind::none ? stanza : *stanza.forwarded;
        REQUIRE(original.origin_id.has_value());
        deliveries_[*original.origin_id].push_back(Delivery{device, stanza.carbon});
      }
    }
  }

  std::vector<DeviceSpec> specs_;
  std::vector<StanzaRouter> routers_;
  std::mt19937_64 random_;
  TimePoint now_{};
  LinkId next_link_ = 1;
  std::map<std::pair<int, int>, std::pair<LinkId, LinkId>> links_;
  std::map<LinkId, End> ends_;
  std::vector<Copy> in_flight_;
  std::map<std::string, std::vector<Delivery>> deliveries_;
  std::map<std::string, std::size_t> copies_;
};

int user_size(const Simulation& sim, const std::string& user) {
  int n = 0;
  for (int d = 0; d < sim.size(); ++d) n += sim.spec(d).user == user;
  return n;
}

std::vector<std::string> users_of(const Simulation& sim) {
  std::vector<std::string> users;
  for (int d = 0; d < sim.size(); ++d)
    if (std::find(users.begin(), users.end(), sim.spec(d).user) == users.end())
      users.push_back(sim.spec(d).user);
  return users;
}

// How many times `device` must have got `message` (0 or 1) when the links did not change
// while it was in flight, and how: recipients through an original or a sibling's received
// carbon, the sender's other devices through a sent carbon.
int expected_count(const Simulation& sim, const SentMessage& m, int device) {
  auto up = [&](int a, int b) { return m.up.contains({std::min(a, b), std::max(a, b)}); };
  if (device == m.sender) return 0;
  const auto& user = sim.spec(device).user;
  if (user == m.recipient_user) {
    if (up(m.sender, device)) return 1;
    if (!m.carbons) return 0;
    for (int relay = 0; relay < sim.size(); ++relay) {
      if (relay == device || relay == m.sender || sim.spec(relay).user != user) continue;
      if (up(m.sender, relay) && up(relay, device)) return 1;
    }
    return 0;
  }
  if (user == sim.spec(m.sender).user) return m.routed && m.carbons && up(m.sender, device);
  return 0;
}

// Every device got the message as often as it must, in the right form.
void check_exactly_once(Simulation& sim, const SentMessage& m) {
  const auto& got = sim.deliveries(m.origin_id);
  for (int d = 0; d < sim.size(); ++d) {
    int count = 0;
    for (const auto& delivery : got) {
      if (delivery.device != d) continue;
      ++count;
      if (sim.spec(d).user == m.recipient_user)
        CHECK(delivery.how != CarbonKind::sent);
      else
        CHECK(delivery.how == CarbonKind::sent);
    }
    INFO("message ", m.origin_id, " at ", sim.spec(d).resource);
    CHECK(count == expected_count(sim, m, d));
  }
}

// Whatever happened to the links: no device got it twice, nobody outside the two users got
// it, and the copies stayed within what two hops allow.
void check_at_most_once(Simulation& sim, const SentMessage& m) {
  std::set<int> seen;
  for (const auto& delivery : sim.deliveries(m.origin_id)) {
    INFO("message ", m.origin_id, " at ", sim.spec(delivery.device).resource);
    CHECK(seen.insert(delivery.device).second);
    CHECK(delivery.device != m.sender);
    const auto& user = sim.spec(delivery.device).user;
    CHECK((user == m.recipient_user || user == sim.spec(m.sender).user));
  }
  const auto recipients = static_cast<std::size_t>(user_size(sim, m.recipient_user));
  const auto siblings = static_cast<std::size_t>(user_size(sim, sim.spec(m.sender).user));
  // Originals, sent carbons, one round of received carbons from each recipient device.
  CHECK(sim.copies(m.origin_id) <= recipients + siblings + recipients * (recipients - 1));
}

SentMessage send_random(Simulation& sim, bool stable) {
  const auto users = users_of(sim);
  const int sender = static_cast<int>(sim.random()() % sim.size());
  const auto& to = users[sim.random()() % users.size()];
  const bool carbons = !sim.coin(0.15);
  SentMessage m{{},      sender, to,
                carbons, false,  stable ? sim.links() : std::set<std::pair<int, int>>{}};
  for (int d = 0; d < sim.size(); ++d)
    if (d != sender && sim.spec(d).user == to && sim.up(sender, d)) m.routed = true;
  m.origin_id = sim.send(sender, to, carbons);
  return m;
}

void connect_all(Simulation& sim) {
  for (int a = 0; a < sim.size(); ++a)
    for (int b = a + 1; b < sim.size(); ++b) sim.connect(a, b);
}

}  // namespace

TEST_CASE("full mesh, any delivery order: every message exactly once everywhere it belongs") {
  std::size_t checked = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    Simulation sim(three_users(), seed);
    connect_all(sim);
    std::vector<SentMessage> sent;
    // Every device writes to every user (its own included), sends interleaved with copies.
    std::vector<std::pair<int, std::string>> to_send;
    for (int d = 0; d < sim.size(); ++d)
      for (const auto& user : users_of(sim)) to_send.emplace_back(d, user);
    std::shuffle(to_send.begin(), to_send.end(), sim.random());
    std::size_t next = 0;
    while (next < to_send.size() || sim.in_flight()) {
      if (next < to_send.size() && (!sim.in_flight() || sim.coin(0.3))) {
        const auto& [sender, to] = to_send[next++];
        const bool carbons = !sim.coin(0.15);
        SentMessage m{{}, sender, to, carbons, true, sim.links()};
        m.origin_id = sim.send(sender, to, carbons);
        sent.push_back(m);
      } else {
        sim.deliver_one();
      }
    }
    for (const auto& m : sent) {
      check_exactly_once(sim, m);
      check_at_most_once(sim, m);
      // In a full mesh everybody of the recipient user but the sender has it.
      const int others =
          user_size(sim, m.recipient_user) - (sim.spec(m.sender).user == m.recipient_user ? 1 : 0);
      int at_recipients = 0;
      for (const auto& delivery : sim.deliveries(m.origin_id))
        at_recipients += sim.spec(delivery.device).user == m.recipient_user;
      CHECK(at_recipients == others);
      ++checked;
    }
  }
  CHECK(checked == std::size_t{seeds} * 6 * 3);
}

TEST_CASE("links dropping and coming back: exactly once where reachable, never twice") {
  std::size_t stable_checked = 0, chaos_checked = 0, delivered = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    Simulation sim(three_users(), 1000 + seed);
    connect_all(sim);
    for (int round = 0; round < 12; ++round) {
      // Between rounds: each stream is up or down at random, and now and then a device is
      // offline altogether; streams that come back are new streams.
      const int offline = sim.coin(0.2) ? static_cast<int>(sim.random()() % sim.size()) : -1;
      for (int a = 0; a < sim.size(); ++a) {
        for (int b = a + 1; b < sim.size(); ++b) {
          const bool want =
              a != offline && b != offline && sim.coin(sim.same_user(a, b) ? 0.8 : 0.6);
          if (want && sim.up(a, b) && sim.coin(0.2)) sim.disconnect(a, b);  // a reconnect
          if (want)
            sim.connect(a, b);
          else
            sim.disconnect(a, b);
        }
      }
      // In a chaos round streams also close and open while copies are in flight.
      const bool chaos = round % 3 == 2;
      std::vector<SentMessage> sent;
      int to_send = 6;
      while (to_send > 0 || sim.in_flight()) {
        if (to_send > 0 && (!sim.in_flight() || sim.coin(0.3))) {
          sent.push_back(send_random(sim, !chaos));
          --to_send;
        } else {
          sim.deliver_one();
        }
        if (chaos && sim.coin(0.05)) {
          const int a = static_cast<int>(sim.random()() % sim.size());
          const int b = static_cast<int>(sim.random()() % sim.size());
          if (sim.up(a, b))
            sim.disconnect(a, b);
          else
            sim.connect(a, b);
        }
      }
      for (const auto& m : sent) {
        check_at_most_once(sim, m);
        if (chaos) {
          ++chaos_checked;
        } else {
          check_exactly_once(sim, m);
          ++stable_checked;
        }
      }
    }
    delivered += sim.total_deliveries();
  }
  CHECK(stable_checked == std::size_t{seeds} * 8 * 6);
  CHECK(chaos_checked == std::size_t{seeds} * 4 * 6);
  CHECK(delivered > std::size_t{seeds} * 12 * 6);  // most messages reach somebody
}

TEST_CASE("a client resending a message: devices that missed it get it, nobody twice") {
  for (int seed = 1; seed <= seeds; ++seed) {
    Simulation sim(three_users(), 5000 + seed);
    connect_all(sim);
    const int a1 = 0, b1 = 3, b2 = 4;
    // b2 and the b1-b2 stream are down: b2 misses the message.
    sim.disconnect(a1, b2);
    sim.disconnect(b1, b2);
    const auto id = sim.send(a1, "bob@example.org", true);
    while (sim.deliver_one()) {
    }
    auto at = [&](int device) {
      int n = 0;
      for (const auto& delivery : sim.deliveries(id)) n += delivery.device == device;
      return n;
    };
    CHECK(at(b1) == 1);
    CHECK(at(b2) == 0);
    // Back online; the client resends with the same origin-id.
    sim.connect(a1, b2);
    sim.connect(b1, b2);
    CHECK(sim.send(a1, "bob@example.org", true, id) == id);
    while (sim.deliver_one()) {
    }
    CHECK(at(b1) == 1);
    CHECK(at(b2) == 1);
    CHECK(at(1) == 1);  // a2 and a3 got the sent carbon once, the first time
    CHECK(at(2) == 1);
  }
}

TEST_CASE("links pruned by the mesh policy: own-user streams stay, messages still arrive once") {
  std::size_t relayed = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    auto specs = three_users();
    std::mt19937_64 priorities(20000 + seed);
    for (auto& spec : specs) spec.priority = static_cast<std::uint8_t>(priorities() % 256);
    Simulation sim(specs, 9000 + seed);
    connect_all(sim);
    // Each device, in turn, keeps its own user's devices plus two more links, so most
    // messages reach some recipient devices only through a sibling's carbon. (Both ends
    // decide independently, so a device may end up with no link to some user at all: its
    // messages to that user are then not routed until the shell dials again.)
    for (int d = 0; d < sim.size(); ++d) {
      const auto links = sim.links_of(d);
      const auto own = static_cast<std::size_t>(user_size(sim, sim.spec(d).user) - 1);
      const auto plan =
          plan_device_mesh(sim.spec(d).user, "node-" + sim.spec(d).resource, links, {}, own + 2);
      CHECK(plan.over_budget == 0);
      sim.close_links(d, plan.close);
    }
    for (int a = 0; a < sim.size(); ++a)
      for (int b = a + 1; b < sim.size(); ++b)
        if (sim.same_user(a, b)) CHECK(sim.up(a, b));

    std::vector<SentMessage> sent;
    for (int i = 0; i < 8; ++i) sent.push_back(send_random(sim, true));
    while (sim.deliver_one()) {
    }
    for (const auto& m : sent) {
      check_exactly_once(sim, m);
      check_at_most_once(sim, m);
      // The own-user mesh is whole: a routed message with carbons reaches every recipient
      // device but the sender.
      int at_recipients = 0;
      for (const auto& delivery : sim.deliveries(m.origin_id)) {
        at_recipients += sim.spec(delivery.device).user == m.recipient_user;
        relayed += delivery.how == CarbonKind::received;
      }
      if (m.routed && m.carbons)
        CHECK(at_recipients == user_size(sim, m.recipient_user) -
                                   (sim.spec(m.sender).user == m.recipient_user ? 1 : 0));
    }
  }
  CHECK(relayed > 0);
}
