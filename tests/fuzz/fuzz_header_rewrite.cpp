// The intermediate peer's path on arbitrary bytes: peek_header must agree with the full
// header decoder about what is acceptable, and a rewrite of an accepted header must again be
// acceptable, with one destination fewer, one via entry more and the TTL one lower.
#include <cstdint>

#include "fuzz_check.hpp"
#include "wire/codec.hpp"
#include "wire/header_view.hpp"
#include "wire/forwarding_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::wire;
  Bytes in(data, size);
  auto h = peek_header(in);
  if (!h) return 0;
  FUZZ_CHECK(h->length == size);
  FUZZ_CHECK(h->header_size <= size);

  static const Buffer via = encode_destination(NodeId::wildcard(16));
  Buffer out;
  auto ec = rewrite_header(in, *h, ForwardEdit{1, via, true}, out);
  if (ec) return 0;
  auto h2 = peek_header(out);
  FUZZ_CHECK(h2.has_value());
  FUZZ_CHECK(h2->ttl + 1 == h->ttl);
  FUZZ_CHECK(h2->destination_count() + 1 == h->destination_count());
  FUZZ_CHECK(h2->via_list.size() == h->via_list.size() + via.size());
  FUZZ_CHECK(out.size() - h2->header_size == size - h->header_size);
  return 0;
}
