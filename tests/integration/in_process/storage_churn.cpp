// Issue 5's storage proof on a real overlay: 40 OverlayNodes in one process (real TLS,
// certificates from the real enrollment server). 1,000 values of the three data models are
// stored (NODE-MULTIPLE Kinds, so every node writes at many Resource-IDs) and fetched back
// byte for byte from other nodes; then 12 nodes are killed one at a time, one stabilisation
// interval apart, without Leave, and every value must still be fetchable. A node storing at
// another node's Resource-ID is refused with Error_Forbidden.
//
//   storage_churn CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES VALUES KILLS INTERVAL_S]
// The rig's document carries the test Kinds 4000001 (SINGLE), 4000002 (ARRAY) and
// 4000003 (DICTIONARY), all NODE-MULTIPLE (in_process_test.py --storage-kinds).
#include <cstdio>
#include <map>
#include <random>

#include <fmt/format.h>

#include "node/storage_client.hpp"
#include "overlay_harness.hpp"
#include "storage/access_control.hpp"

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
      if (r) got = value_in(r->answer, *e_ptr);
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

}  // namespace

int main(int argc, char** argv) {
  auto args = test::parse_rig_args(argc, argv, "storage_churn CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES VALUES KILLS INTERVAL_S]");
  const std::size_t count = argc > 5 ? std::stoul(argv[5]) : 40;
  const std::size_t values = argc > 6 ? std::stoul(argv[6]) : 1000;
  const std::size_t kills = argc > 7 ? std::stoul(argv[7]) : 12;
  const auto interval = std::chrono::seconds(argc > 8 ? std::stoul(argv[8]) : 3);
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

  std::mt19937 victims(12);
  for (std::size_t k = 0; k < kills; ++k) {
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
