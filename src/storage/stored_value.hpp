// One stored value as the data store keeps it: the encoded StoredData it received (RFC 6940
// section 7), with what the store looks at often parsed out.
//
// The encoded bytes are the only copy of the value: fetches copy them into answers, hand-offs
// copy them into StoreReqs, and the storer's signature keeps verifying because the bytes
// that signature covers never change. Two fields outside the signature are rewritten on the
// way out: an array entry's index (set once, when an append at 0xffffffff gets its place;
// the signature covers index 0, section 7.4.2.2) and the lifetime (lowered to what remains,
// section 7.4.1.1).
//
// Layout of an encoded StoredData, which the store validated before it built a StoredValue:
//   length(4) | storage_time(8) | lifetime(4) | [index(4) | key<0..2^16-1>] | exists(1) |
//   value<0..2^32-1> | Signature
//
// Per value overhead: sizeof(StoredValue), 56 bytes on LP64, and the allocator's header of
// the one heap block; data_store.hpp adds the store's share.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "crypto/certificate.hpp"
#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/writer.hpp"

namespace reload::storage {

// Lifetimes run on a monotonic clock: "starting from the time the peer receives the
// StoreReq" (section 7) needs no wall time. The store never reads a clock: `now` is given.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Where a value sits in its Kind's data model: nothing for a single value, an index in an
// array, a key in a dictionary. Ordered by index, then key bytes.
struct Slot {
  std::uint32_t index = 0;
  wire::Bytes key;
  friend bool operator<(const Slot& a, const Slot& b) noexcept;
  friend bool operator==(const Slot& a, const Slot& b) noexcept;
};

// now + lifetime seconds, saturating instead of overflowing.
TimePoint expiry_after(TimePoint now, std::uint32_t lifetime_seconds) noexcept;

class StoredValue {
 public:
  // `encoded` is a whole StoredData that decoded as a value of `model`.
  StoredValue(wire::Buffer encoded, wire::DataModel model, TimePoint expiry,
              crypto::Certificate storer);

  wire::Bytes encoded() const noexcept { return encoded_; }
  std::uint64_t storage_time() const noexcept;
  std::uint32_t stored_lifetime() const noexcept;  // as received
  TimePoint expiry() const noexcept { return expiry_; }
  // A value whose lifetime has ended behaves as if it were not there.
  bool live(TimePoint now) const noexcept { return now < expiry_; }
  // Whole seconds left at `now`, rounded up (0 once expired).
  std::uint32_t remaining_lifetime(TimePoint now) const noexcept;

  bool exists() const noexcept;
  wire::Bytes value() const noexcept;              // DataValue.value, without its length
  wire::Bytes value_with_length() const noexcept;  // with its 4 length bytes (Stat's digest)
  Slot slot() const noexcept;
  const crypto::Certificate& storer() const noexcept { return storer_; }

  // An array entry takes its place: rewrites the index (not covered by the signature).
  void set_index(std::uint32_t index) noexcept;

  // Appends the StoredData as a Fetch or a hand-off sends it: lifetime lowered to what is
  // left at `now`.
  void append_as_of(wire::Writer& w, TimePoint now) const;

 private:
  wire::Buffer encoded_;
  TimePoint expiry_;
  crypto::Certificate storer_;
  std::uint32_t data_value_at_ = 0;  // offset of DataValue.exists in encoded_
  std::uint8_t model_ = 0;           // wire::DataModel
};

// Section 7.4.2.2: a value Fetch makes up where nothing is stored: exists = false, an empty
// value, storage_time and lifetime 0, identity "none", algorithm {0,0}, no signature.
void append_nonexistent(wire::Writer& w, wire::DataModel model, const Slot& slot);

// Stat (section 7.4.3.2): the StoredMetaData of a stored value, its digest SHA-256 over
// DataValue.value including its 4 length bytes; lifetime as left at `now`.
void append_metadata(wire::Writer& w, const StoredValue& v, wire::DataModel model, TimePoint now);
// The StoredMetaData of a value that does not exist: exists = false, length 0, no digest.
void append_nonexistent_metadata(wire::Writer& w, wire::DataModel model, const Slot& slot);

// Adds `v`'s storer to `certificates` unless it is there already: a FetchAns or a hand-off
// carries each certificate its values reference, once (section 6.3.4). True if it was added.
bool add_storer(std::vector<crypto::Certificate>& certificates, const StoredValue& v);

}  // namespace reload::storage
