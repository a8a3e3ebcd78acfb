// libnice's candidates as RFC 6940's IceCandidates and back (section 6.5.1.3).
//
// RFC 6940 has no transport field: a candidate's transport follows from its overlay link type
// (DTLS-UDP-SR is UDP). An ICE-TCP candidate (RFC 6544) is told apart by the "tcptype" ICE
// extension with the value "active", "passive" or "so", as in the SDP of RFC 6544 section
// 4.5. Peer-reflexive candidates are learned from checks, never signalled (RFC 8445 section
// 7.2.5.3.1), and RFC 6940 has no type for them.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "wire/attach.hpp"

using NiceCandidate = struct _NiceCandidate;

namespace reload::transport {

// Candidates and the bytes their views point into (foundations, extension names and values).
// Move-only: a copy would point into the original's strings.
class IceCandidateList {
 public:
  IceCandidateList() = default;
  IceCandidateList(IceCandidateList&&) = default;
  IceCandidateList& operator=(IceCandidateList&&) = default;
  IceCandidateList(const IceCandidateList&) = delete;
  IceCandidateList& operator=(const IceCandidateList&) = delete;

  std::vector<wire::IceCandidate> candidates;

  // A string that lives as long as this list (deque elements never move when it grows).
  wire::Bytes keep(std::string s);

 private:
  std::deque<std::string> strings_;
};

// `c` as RFC 6940 encodes it, advertising `link`; nothing for a peer-reflexive candidate or
// an address libnice cannot print.
std::optional<wire::IceCandidate> to_wire(const NiceCandidate& c, wire::OverlayLinkType link,
                                          IceCandidateList& storage);

// A candidate a peer sent, as libnice's for `stream_id` and component 1 (the only component
// RELOAD uses), or nullptr for one ICE cannot use here: an address type this codec does not
// know, an unknown "tcptype", a foundation longer than RFC 8445's 32 characters. Free it
// with nice_candidate_free.
NiceCandidate* to_nice(const wire::IceCandidate& c, unsigned stream_id);

}  // namespace reload::transport
