// Codec throughput on one core: encode and decode of a PingReq and of a StoreReq with 10
// dictionary entries (XMPP-LOCATION), and the intermediate peer's header-only rewrite.
// Prints figures; it is not a test and never fails on a slow machine.
//   build/tests/bench/wire_bench [seconds per case, default 1]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rounds.hpp"
#include "sample_messages.hpp"
#include "wire/body.hpp"
#include "wire/codec.hpp"
#include "wire/header_view.hpp"
#include "wire/message.hpp"

using namespace reload::wire;

namespace {
volatile std::uint64_t sink;  // keeps the optimiser from dropping the work

template <class F>
void run(const char* name, double seconds, F&& once) {
  auto r = reload::bench::measure(seconds, 1000, once);
  std::printf("%-34s %8.2f M/s median %8.2f M/s best %9.1f ns/op\n", name, r.median / 1e6, r.best / 1e6,
              1e9 / r.median);
}
}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  CodecContext ctx;
  ctx.data_models = &reload::test::sample_data_models();

  const Buffer ping = reload::test::sample_ping_req();
  const Buffer store = reload::test::sample_store_req(10);
  const auto ping_msg = decode_message(ping, ctx).value();
  const auto store_msg = decode_message(store, ctx).value();
  const auto store_body = std::get<StoreReq>(
      decode_body(store_msg.contents.message_code, store_msg.contents.message_body, ctx).value());
  std::printf("PingReq %zu bytes, StoreReq %zu bytes (10 dictionary entries)\n", ping.size(),
              store.size());

  run("PingReq encode (message)", seconds, [&] {
    Message m = ping_msg;
    PingReq req;
    auto body = encode_to_buffer(req).value();
    m.contents.message_body = body;
    sink = sink + encode_message(m).value().size();
  });
  run("PingReq decode (message + body)", seconds, [&] {
    auto m = decode_message(ping, ctx).value();
    auto b = decode_body(m.contents.message_code, m.contents.message_body, ctx).value();
    sink = sink + b.index() + m.header.transaction_id;
  });
  run("StoreReq encode (message + body)", seconds, [&] {
    Message m = store_msg;
    auto body = encode_to_buffer(store_body).value();
    m.contents.message_body = body;
    sink = sink + encode_message(m).value().size();
  });
  run("StoreReq decode (message + body)", seconds, [&] {
    auto m = decode_message(store, ctx).value();
    auto b = decode_body(m.contents.message_code, m.contents.message_body, ctx).value();
    sink = sink + std::get<StoreReq>(b).kind_data[0].values.size();
  });

  // A request two hops in: via list of 2, destination list of 2 Node-IDs.
  Message fwd = ping_msg;
  fwd.header.via_list = {*NodeId::from_hex("000102030405060708090a0b0c0d0e0f"),
                         *NodeId::from_hex("101112131415161718191a1b1c1d1e1f")};
  fwd.header.destination_list = {*NodeId::from_hex("202122232425262728292a2b2c2d2e2f"),
                                 *NodeId::from_hex("303132333435363738393a3b3c3d3e3f")};
  const Buffer forwarded = encode_message(fwd).value();
  const Buffer via = encode_destination(*NodeId::from_hex("404142434445464748494a4b4c4d4e4f"));
  Buffer out;
  run("header-only forward rewrite", seconds, [&] {
    auto h = peek_header(forwarded).value();
    auto ec = rewrite_header(forwarded, h, ForwardEdit{1, via, true}, out);
    sink = sink + out.size() + static_cast<bool>(ec);
  });
  return 0;
}
