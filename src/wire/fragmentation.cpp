#include "wire/fragmentation.hpp"

#include <algorithm>
#include <cstring>

#include <reload/errors.hpp>

#include "wire/forwarding_header.hpp"
#include "wire/header_view.hpp"

namespace reload::wire {

namespace {
void put32(std::uint8_t* at, std::uint32_t v) {
  at[0] = static_cast<std::uint8_t>(v >> 24);
  at[1] = static_cast<std::uint8_t>(v >> 16);
  at[2] = static_cast<std::uint8_t>(v >> 8);
  at[3] = static_cast<std::uint8_t>(v);
}
}  // namespace

boost::system::result<std::vector<Buffer>> fragment_message(Bytes message,
                                                            std::size_t max_fragment_size) {
  auto h = peek_header(message);
  if (!h) return h.error();
  std::vector<Buffer> out;
  if (message.size() <= max_fragment_size) {
    out.emplace_back(message.begin(), message.end());
    return out;
  }
  std::size_t header = h->header_size;
  if (max_fragment_size < header + min_fragment_body)
    return make_error_code(codec_errc::invalid_value);
  // A fragment is split again where it is forwarded onto a smaller link (or one hop's via
  // entry made it too big): its pieces keep their place in the whole message, and only the
  // piece that ends it carries the last-fragment bit.
  const std::size_t base = h->fragment & fragment_offset_mask;
  const bool ends_message = (h->fragment & fragment_last) != 0;
  Bytes body = message.subspan(header);
  if (base + body.size() > fragment_offset_mask) return make_error_code(codec_errc::value_too_long);
  std::size_t room = max_fragment_size - header;
  std::size_t count = (body.size() + room - 1) / room;
  std::size_t chunk = (body.size() + count - 1) / count;  // equal sizes, the last one shorter
  for (std::size_t offset = 0; offset < body.size(); offset += chunk) {
    std::size_t n = std::min(chunk, body.size() - offset);
    Buffer f(header + n);
    std::memcpy(f.data(), message.data(), header);
    std::memcpy(f.data() + header, body.data() + offset, n);
    bool last = ends_message && offset + n == body.size();
    put32(f.data() + 12, fragment_must_be_set | (last ? fragment_last : 0) |
                             static_cast<std::uint32_t>(base + offset));
    put32(f.data() + 16, static_cast<std::uint32_t>(f.size()));
    out.push_back(std::move(f));
  }
  return out;
}

void Reassembler::drop(std::map<std::uint64_t, Partial>::iterator it) {
  held_ -= it->second.body.size() + it->second.header.size();
  partial_.erase(it);
}

std::optional<Buffer> Reassembler::add(Bytes fragment, Clock::time_point now,
                                       boost::system::error_code& ec) {
  ec = {};
  auto h = peek_header(fragment);
  if (!h) {
    ec = h.error();
    return std::nullopt;
  }
  if (h->is_whole()) return Buffer(fragment.begin(), fragment.end());

  std::size_t offset = h->fragment & fragment_offset_mask;
  Bytes chunk = fragment.subspan(h->header_size);
  std::size_t end = offset + chunk.size();
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  auto emplaced = partial_.try_emplace(h->transaction_id);
  auto it = emplaced.first;
  Partial& p = it->second;
  if (emplaced.second) p.first_seen = now;

  auto refuse = [&](codec_errc e) -> std::optional<Buffer> {
    ec = make_error_code(e);
    drop(it);
    return std::nullopt;
  };
  if (h->header_size + end > limits_.max_message_size) return refuse(codec_errc::reassembly_limit);
  if (h->fragment & fragment_last) {
    if (p.total && *p.total != end) return refuse(codec_errc::fragment_conflict);
    p.total = end;
  }
  if (p.total && end > *p.total) return refuse(codec_errc::fragment_conflict);

  std::size_t grow = end > p.body.size() ? end - p.body.size() : 0;
  std::size_t header_grow = (offset == 0 && p.header.empty()) ? h->header_size : 0;
  if (held_ + grow + header_grow > limits_.max_total_bytes)
    return refuse(codec_errc::reassembly_limit);

  if (grow) p.body.resize(end);
  held_ += grow;
  if (header_grow) {
    p.header.assign(fragment.begin(), fragment.begin() + static_cast<std::ptrdiff_t>(h->header_size));
    held_ += header_grow;
  }
  // Bytes already held must agree with the new fragment where they overlap (a retransmission
  // may be cut differently on another path, but must carry the same bytes).
  for (auto [b, e] : p.have) {
    std::size_t lo = std::max(b, offset), hi = std::min(e, end);
    if (lo < hi && std::memcmp(p.body.data() + lo, chunk.data() + (lo - offset), hi - lo) != 0)
      return refuse(codec_errc::fragment_conflict);
  }
  if (!chunk.empty()) std::memcpy(p.body.data() + offset, chunk.data(), chunk.size());
  p.have.emplace_back(offset, end);
  std::sort(p.have.begin(), p.have.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (auto r : p.have) {
    if (!merged.empty() && r.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  p.have = std::move(merged);

  bool complete = p.total && !p.header.empty() && p.have.size() == 1 &&
                  p.have[0].first == 0 && p.have[0].second == *p.total;
  if (!complete) return std::nullopt;

  Buffer whole;
  whole.reserve(p.header.size() + *p.total);
  whole.insert(whole.end(), p.header.begin(), p.header.end());
  whole.insert(whole.end(), p.body.begin(), p.body.begin() + static_cast<std::ptrdiff_t>(*p.total));
  put32(whole.data() + 12, fragment_must_be_set | fragment_last);
  put32(whole.data() + 16, static_cast<std::uint32_t>(whole.size()));
  drop(it);
  return whole;
}

std::optional<Reassembler::Clock::time_point> Reassembler::expire(Clock::time_point now) {
  std::optional<Clock::time_point> next;
  for (auto it = partial_.begin(); it != partial_.end();) {
    auto deadline = it->second.first_seen + limits_.timeout;
    if (deadline <= now) {
      auto gone = it++;
      drop(gone);
    } else {
      next = next ? std::min(*next, deadline) : deadline;
      ++it;
    }
  }
  return next;
}

}  // namespace reload::wire
