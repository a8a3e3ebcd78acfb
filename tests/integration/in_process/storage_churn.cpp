// Issue 5's storage proof on a real overlay: 40 OverlayNodes in one process (real TLS,
// certificates from the real enrollment server). 1,000 values of the three data models are
// stored (NODE-MULTIPLE Kinds, so every node writes at many Resource-IDs) and fetched back
// byte for byte from other nodes; then 12 nodes are killed one at a time, one stabilisation
// interval apart, without Leave, and every value must still be fetchable. A node storing at
// another node's Resource-ID is refused with Error_Forbidden. Stat and Find answer for a
// stored value through the completion-token API. The first node killed is the peer that
// answered a storer's Store: that storer's next Fetch names a departed peer, goes
// unanswered, and must be asked again by Resource-ID alone (node/responsible_cache.hpp).
//
// Before the kills, JOINS more nodes join one after another (each as soon as the one before
// it has joined); every value must be fetchable at once, and again once the ring settled:
// the peers that joined in front of a value's holder must have been handed it before they
// were routed to (section 10.5, steps 6 to 9).
//
//   storage_churn CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES VALUES KILLS INTERVAL_S JOINS]
// The rig needs NODES + JOINS users peer00, peer01, ...
// The rig's document carries the test Kinds 4000001 (SINGLE), 4000002 (ARRAY) and
// 4000003 (DICTIONARY), all NODE-MULTIPLE (in_process_test.py --storage-kinds).
#include <cstdio>
#include <map>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "node/storage_client.hpp"
#include "overlay_harness.hpp"
#include "storage/access_control.hpp"
#include "wire/hashes.hpp"
#include "wire/writer.hpp"

using namespace reload;
using namespace std::chrono_literals;

namespace {

constexpr wire::KindId single_kind = 4000001, array_kind = 4000002, dictionary_kind = 4000003;

struct Expected {
  wire::ResourceId resource;
  wire::KindId kind = 0;
  std::uint32_t index = 0;  // arrays
  wire::Buffer key;         // dictionaries
  wire::Buffer value;
};

wire::StoredDataSpecifier specifier_for(const Expected& e) {
  wire::StoredDataSpecifier s;
  s.kind = e.kind;
  if (e.kind == single_kind) s.model_specifier = wire::SingleValueSpecifier{};
  else if (e.kind == array_kind) s.model_specifier = wire::ArraySpecifier{{wire::ArrayRange{e.index, e.index}}};
  else s.model_specifier = wire::DictionarySpecifier{{wire::Bytes(e.key)}};
  return s;
}

// The value bytes a FetchAns holds for `e`, if it holds exactly one existing value.
std::optional<wire::Buffer> value_in(const wire::FetchAns& ans, const Expected& e) {
  for (const auto& k : ans.kind_responses) {
    if (k.kind != e.kind || k.values.size() != 1) continue;
    const auto& v = k.values.front().value;
    const wire::DataValue* dv = nullptr;
    if (const auto* s = std::get_if<wire::DataValue>(&v)) dv = s;
    else if (const auto* a = std::get_if<wire::ArrayEntry>(&v)) dv = a->index == e.index ? &a->value : nullptr;
    else if (const auto* d = std::get_if<wire::DictionaryEntry>(&v)) dv = wire::equal_bytes(d->key, e.key) ? &d->value : nullptr;
    if (dv && dv->exists) return wire::Buffer(dv->value.begin(), dv->value.end());
  }
  return std::nullopt;
}

// Fetches every expected value from a node other than its storer; returns how many came
// back byte for byte, and prints the first few failures.
std::size_t fetch_all(test::InProcessOverlay& overlay, const std::vector<Expected>& expected, const char* when) {
  std::size_t done = 0, good = 0, shown = 0;
  std::mt19937 pick(99);
  for (const auto& e : expected) {
    auto& from = *overlay.nodes()[pick() % overlay.nodes().size()];
    node::fetch(from, e.resource, {specifier_for(e)}, [&, e_ptr = &e](boost::system::result<node::FetchResult> r) {
      ++done;
      std::optional<wire::Buffer> got;
      // Every value is checked against its storer's certificate, which the FetchAns carries.
      if (r && r->discarded == 0) got = value_in(r->answer, *e_ptr);
      if (got && *got == e_ptr->value) {
        ++good;
      } else if (shown++ < 5) {
        std::printf("  %s: kind %u at %s: %s\n", when, e_ptr->kind, e_ptr->resource.hex().substr(0, 8).c_str(),
                    !r ? r.error().message().c_str() : got ? "different bytes" : "no value");
      }
    });
  }
  overlay.run_until([&] { return done == expected.size(); }, 120s);
  return good;
}

// Stat, Find, Fetch and Store of a SINGLE value through asio::use_awaitable: the metadata
// must give its length and SHA-256 (of the value with its length, as stored_value.cpp digests
// it), Find must name its Resource-ID, Fetch bring the value, and a Store by another node be
// refused.
void stat_and_find(test::InProcessOverlay& overlay, node::OverlayNode& from, const Expected& e) {
  namespace asio = boost::asio;
  std::optional<boost::system::result<node::StatResult>> st;
  std::optional<boost::system::result<node::FindResult>> found;
  std::optional<boost::system::result<node::FetchResult>> fetched;
  std::optional<boost::system::result<node::StoreResult>> overwritten;
  // Built out here: GCC 12 cannot keep an initializer list across a co_await.
  std::vector<wire::StoredDataSpecifier> specifiers{specifier_for(e)}, again{specifier_for(e)};
  std::vector<wire::KindId> kinds{e.kind};
  std::vector<wire::StoredDataValue> other_value{wire::DataValue{true, wire::as_bytes("not yours")}};
  asio::co_spawn(overlay.io, [&]() -> asio::awaitable<void> {
    st = co_await node::async_stat(from, e.resource, std::move(specifiers), asio::use_awaitable);
    found = co_await node::async_find(from, e.resource, std::move(kinds), asio::use_awaitable);
    fetched = co_await node::async_fetch(from, e.resource, std::move(again), asio::use_awaitable);
    overwritten = co_await node::async_store(from, e.resource, e.kind, std::move(other_value), 60s, asio::use_awaitable);
  }, asio::detached);
  test::check(overlay.run_until([&] { return overwritten.has_value(); }, 30s), "Stat, Find, Fetch and Store did not finish");
  test::check(*fetched && value_in((**fetched).answer, e) == e.value, "async_fetch did not bring the value back");
  // `e` is another node's NODE-MULTIPLE resource: the RFC error comes through the token.
  test::check(!*overwritten && overwritten->error() == make_error_code(errc::forbidden),
              "async_store at another node's resource was not refused with Error_Forbidden");
  if (!*st) test::check(false, "Stat: " + st->error().message());
  const auto& stat = (*st)->answer;
  test::check(stat.kind_responses.size() == 1 && stat.kind_responses[0].values.size() == 1,
              "Stat did not answer one value of one Kind");
  const auto* meta = std::get_if<wire::MetaData>(&stat.kind_responses[0].values[0].metadata);
  test::check(meta && meta->exists && meta->value_length == e.value.size(), "Stat's metadata has the wrong length");
  wire::Buffer with_length;
  wire::Writer w(with_length);
  w.opaque(4, e.value, "value");
  const auto digest = wire::sha256(with_length);
  test::check(meta->hash_algorithm == wire::HashAlgorithm::sha256 &&
                  wire::equal_bytes(meta->hash_value, wire::Bytes(digest.data(), digest.size())),
              "Stat's SHA-256 is not the value's");
  if (!*found) test::check(false, "Find: " + found->error().message());
  const auto& find = (*found)->answer;
  test::check(find.results.size() == 1 && find.results[0].kind == e.kind && find.results[0].closest == e.resource,
              "Find did not name the stored Resource-ID");
}

// The index in overlay.nodes() of the node with this Node-ID.
std::size_t index_of(const test::InProcessOverlay& overlay, const wire::NodeId& id) {
  const auto& nodes = overlay.nodes();
  return static_cast<std::size_t>(
      std::find_if(nodes.begin(), nodes.end(), [&](const auto& n) { return n->self() == id; }) - nodes.begin());
}

}  // namespace

int main(int argc, char** argv) {
  auto args = test::parse_rig_args(argc, argv, "storage_churn CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES VALUES KILLS INTERVAL_S JOINS]");
  const std::size_t count = argc > 5 ? std::stoul(argv[5]) : 40;
  const std::size_t values = argc > 6 ? std::stoul(argv[6]) : 1000;
  const std::size_t kills = argc > 7 ? std::stoul(argv[7]) : 12;
  const auto interval = std::chrono::seconds(argc > 8 ? std::stoul(argv[8]) : 3);
  const std::size_t joins = argc > 9 ? std::stoul(argv[9]) : 12;
  test::InProcessOverlay overlay(args);
  for (std::size_t i = 0; i < count; ++i) overlay.add(fmt::format("peer{:02}", i));
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 60s),
              "the ring did not settle: " + overlay.ring_mismatch());
  std::printf("%zu nodes joined, ring consistent\n", count);

  // 1,000 values: node v % N stores value v at its NODE-MULTIPLE resource v / N (i at most
  // VALUES / NODES, within the Kinds' max-node-multiple), the Kind (data model) cycling with v.
  std::mt19937_64 random(5222);
  std::vector<Expected> expected;
  std::size_t stored = 0, refused = 0;
  for (std::size_t v = 0; v < values; ++v) {
    auto& storer = *overlay.nodes()[v % count];
    Expected e;
    e.resource = storage::node_multiple_resource_id(storer.self(), static_cast<std::uint32_t>(v / count));
    e.kind = v % 3 == 0 ? single_kind : v % 3 == 1 ? array_kind : dictionary_kind;
    e.value.resize(16 + random() % 200);
    for (auto& b : e.value) b = static_cast<std::uint8_t>(random());
    wire::StoredDataValue sv;
    if (e.kind == single_kind) {
      sv = wire::DataValue{true, e.value};
    } else if (e.kind == array_kind) {
      e.index = static_cast<std::uint32_t>(v);
      sv = wire::ArrayEntry{e.index, {true, e.value}};
    } else {
      const std::string key = fmt::format("key-{}", v);
      e.key.assign(key.begin(), key.end());
      sv = wire::DictionaryEntry{e.key, {true, e.value}};
    }
    expected.push_back(e);
    node::store(storer, e.resource, e.kind, {sv}, 3600s, [&](boost::system::result<node::StoreResult> r) {
      if (r) ++stored;
      else {
        ++refused;
        std::printf("  store refused: %s\n", r.error().message().c_str());
      }
    });
    if (v % 50 == 49) overlay.run_until([&] { return stored + refused == v + 1; }, 60s);
  }
  test::check(overlay.run_until([&] { return stored + refused == values; }, 60s), "stores did not finish");
  test::check(refused == 0, fmt::format("{} of {} stores refused", refused, values));
  std::printf("%zu values stored (single value, array, dictionary; NODE-MULTIPLE)\n", stored);
  overlay.run_for(1s);  // replicas in flight

  auto good = fetch_all(overlay, expected, "before the kills");
  test::check(good == values, fmt::format("before the kills: {} of {} values fetched byte for byte", good, values));
  std::printf("all %zu fetched back byte for byte from other nodes\n", good);
  stat_and_find(overlay, *overlay.nodes()[1], expected[0]);  // value 0 is SINGLE, stored by node 0
  std::printf("through use_awaitable: Stat gives a stored value's length and SHA-256, Find its Resource-ID, "
              "Fetch its bytes; another node's Store there is refused\n");

  // Someone else's resource: NODE-MULTIPLE of node 1 stored by node 0.
  {
    std::optional<boost::system::error_code> outcome;
    auto& thief = *overlay.nodes()[0];
    auto victim_resource = storage::node_multiple_resource_id(overlay.nodes()[1]->self(), 0);
    node::store(thief, victim_resource, dictionary_kind,
                {wire::DictionaryEntry{wire::as_bytes("stolen"), {true, wire::as_bytes("x")}}}, 60s,
                [&](boost::system::result<node::StoreResult> r) { outcome = r ? boost::system::error_code{} : r.error(); });
    overlay.run_until([&] { return outcome.has_value(); }, 30s);
    test::check(outcome && *outcome == make_error_code(errc::forbidden),
                fmt::format("a store at another node's resource: {}", outcome ? outcome->message() : "no answer"));
    std::printf("a store at another node's Resource-ID: %s\n", outcome->message().c_str());
  }

  // Peers join in front of the values' holders, one right after another.
  for (std::size_t j = 0; j < joins; ++j) overlay.add(fmt::format("peer{:02}", count + j));
  good = fetch_all(overlay, expected, "right after the joins");
  std::printf("%zu nodes joined one after another; right after: %zu of %zu values fetched\n", joins, good, values);
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 60s),
              "the ring did not settle after the joins: " + overlay.ring_mismatch());
  const auto good_settled = fetch_all(overlay, expected, "after the joins");
  test::check(good == values, fmt::format("right after the joins: {} of {} values fetched (section 10.5: a joiner "
                                         "holds its range's data before it is routed to)", good, values));
  test::check(good_settled == values,
              fmt::format("after the joins: {} of {} values fetched once the ring settled", good_settled, values));
  std::printf("ring of %zu consistent: all %zu values still fetched byte for byte\n", overlay.nodes().size(),
              good_settled);

  // The first victim answered a Store for a storer that remembers it.
  const Expected* remembered = nullptr;
  node::OverlayNode* storer = nullptr;
  wire::NodeId departed;
  for (std::size_t v = 0; v < values && !remembered; ++v) {
    auto& s = *overlay.nodes()[v % count];
    if (auto r = s.responsible_peers().lookup(expected[v].resource, std::chrono::steady_clock::now())) {
      remembered = &expected[v];
      storer = &s;
      departed = *r;
    }
  }
  test::check(remembered != nullptr, "no storer remembers the peer that answered its Store");
  overlay.crash(index_of(overlay, departed));
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 60s),
              "the ring did not repair after the first kill: " + overlay.ring_mismatch());
  {
    const auto forgotten = storer->responsible_peers().forgotten();
    std::optional<boost::system::result<node::FetchResult>> got;
    node::fetch(*storer, remembered->resource, {specifier_for(*remembered)},
                [&](boost::system::result<node::FetchResult> r) { got = std::move(r); });
    test::check(overlay.run_until([&] { return got.has_value(); }, 60s), "the storer's Fetch did not finish");
    test::check(got->has_value() && value_in((*got)->answer, *remembered) == remembered->value,
                fmt::format("the storer's Fetch after its responder left: {}",
                            got->has_value() ? "wrong value" : got->error().message()));
    test::check(storer->responsible_peers().forgotten() == forgotten + 1 && (*got)->responder != departed,
                "the Fetch naming a departed peer was not asked again by Resource-ID");
    std::printf("a Fetch naming a responder killed since was asked again by Resource-ID and answered by %s\n",
                (*got)->responder.hex().substr(0, 8).c_str());
  }
  std::mt19937 victims(12);
  for (std::size_t k = 1; k < kills; ++k) {
    overlay.crash(victims() % overlay.nodes().size());
    overlay.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(interval));
  }
  const bool repaired = overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 60s);
  test::check(repaired, "the ring did not repair after the kills: " + overlay.ring_mismatch());
  std::printf("%zu nodes killed without Leave, %s apart; ring of %zu consistent\n", kills,
              fmt::format("{} s", interval.count()).c_str(), overlay.nodes().size());
  good = fetch_all(overlay, expected, "after the kills");
  test::check(good == values, fmt::format("after the kills: {} of {} values fetched byte for byte", good, values));
  std::printf("all %zu values still fetched byte for byte\n", good);

  overlay.leave_all();
  std::printf("OK\n");
  return 0;
}
