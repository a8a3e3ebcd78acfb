// An attacker's side of a live node (the target: the first node of an InProcessOverlay):
// links to it with any identity, raw TLS connections, signed messages and answers built
// by hand, and the check that after an attack the node still serves everyone else.
// Shared by live_link_attacks (bad input) and hostile_peers (misbehaving overlay members).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "crypto/certificate_cache.hpp"
#include "crypto/issuance.hpp"
#include "crypto/signing.hpp"
#include "overlay_harness.hpp"
#include "transport/tls_link.hpp"
#include "wire/codec_context.hpp"
#include "wire/message.hpp"

namespace reload::test {

// What this process holds: resident memory and open descriptors. The whole overlay (target,
// other nodes, attackers) runs in the one process, so a change is an upper bound on what
// the target spent.
struct ProcessUsage {
  std::size_t rss_kib = 0;
  std::size_t fds = 0;
  static ProcessUsage now();
};
// "RSS 15976 -> 19744 KiB, fds 108 -> 2622"
std::string usage_change(const ProcessUsage& before, const ProcessUsage& after);

// The other end of one attack link: what came back and whether the node closed it.
struct Recorder final : transport::LinkHandler {
  std::vector<wire::Buffer> received;
  bool closed = false;
  void on_link_message(transport::Link&, wire::Bytes m) override { received.emplace_back(m.begin(), m.end()); }
  void on_link_suspect(transport::Link&) override {}
  void on_link_closed(transport::Link&, boost::system::error_code) override { closed = true; }
};

struct Attacker {
  transport::TlsIdentity identity;
  std::optional<crypto::Signer> signer;
  wire::NodeId node_id;
};
Attacker attacker_from(const config::NodeState& st);
// A key pair and a certificate for a random Node-ID in `overlay` issued by `ca`.
Attacker issued_by(const crypto::CertificateAuthority& ca, const std::string& overlay, const std::string& user);

class AttackRig {
 public:
  explicit AttackRig(InProcessOverlay& overlay);

  node::OverlayNode& target() { return target_; }
  const wire::CodecContext& codec() const { return codec_; }

  // A TlsLink from `who` to the target, started with `rec`; nullptr when the node refused it
  // during the handshake. The attacker's side sends frames of any size.
  std::shared_ptr<transport::TlsLink> link(const Attacker& who, Recorder& rec);
  // Sends raw bytes over TLS with no framing, then reads until the node closes. True when it
  // closed the connection within `limit`.
  bool raw_closes(const Attacker& who, wire::Bytes bytes, std::chrono::milliseconds limit);

  wire::Buffer ping_message(const Attacker& who, wire::DestinationList to, std::uint8_t ttl,
                            std::uint32_t overlay_hash);
  // A signed request of any method, in the target's overlay.
  wire::Buffer request_message(const Attacker& who, wire::DestinationList to, wire::MessageCode code,
                               wire::Bytes body, std::uint32_t max_response_length = 0);
  // A signed answer from `who` to `request` (same transaction id, back along its via list).
  wire::Buffer answer_message(const Attacker& who, const wire::Message& request, wire::MessageCode code,
                              wire::Bytes body);
  std::uint32_t overlay_hash() const;

  // The RELOAD error code of the one answer `rec` got, or 0 for a success answer.
  std::uint16_t answer_code(const Recorder& rec);
  // Everyone else is still served: every node Pings the target and the target Pings every node.
  void others_still_served(const std::string& after);

 private:
  wire::Buffer build(const Attacker& who, wire::DestinationList to, wire::MessageCode code, wire::Bytes body,
                     std::uint8_t ttl, std::uint32_t overlay_hash, std::uint32_t max_response_length);

  InProcessOverlay& overlay_;
  node::OverlayNode& target_;
  wire::DataModelTable models_;
  wire::CodecContext codec_;
  crypto::CertificateCache trust_;
  std::vector<std::shared_ptr<boost::asio::ssl::context>> keep_tls_;
  std::mt19937_64 random_{42};
};

}  // namespace reload::test
