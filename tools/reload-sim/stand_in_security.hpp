// The security block every simulated message carries (RFC 6940 section 6.3.4), with a
// stand-in for the cryptography: the one switch the issue allows. Computing an ECDSA
// signature per message and verifying one per delivery would make the simulator measure
// OpenSSL instead of the overlay.
//
// The block has the real layout and the sizes of the real thing (a P-256 node certificate as
// reload-enroll-server issues it, 561 bytes with an xmppAddr; a DER ECDSA signature, about 71
// bytes; a cert_hash_node_id identity with a SHA-256 hash), so message sizes and maintenance
// bytes are those of signed messages. Nothing is signed and nothing is verified. The stand-in
// certificate starts with the signer's Node-ID: the receiver learns the sender from it, as it
// would from a verified certificate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "wire/message.hpp"
#include "wire/node_id.hpp"

namespace reload::sim {

class MessageSigning;

struct SecuritySettings {
  std::size_t certificate_bytes = 561;
  std::size_t signature_bytes = 71;
  // `--signatures ecdsa`: messages are signed and verified for real (message_signing.hpp)
  // and the sizes above are unused.
  MessageSigning* real = nullptr;
};

// How every report names the switch's position.
std::string describe(const SecuritySettings& s);

class StandInSecurity {
 public:
  StandInSecurity(const wire::NodeId& signer, SecuritySettings settings);

  // Fills `m.security` as the signer would. The certificate, signature and hash bytes are
  // shared by every node of the process (one buffer, the signer's Node-ID written into it
  // here): `m` must be encoded before the next seal(), as SimNode::build does.
  void seal(wire::Message& m) const;

  // The signer a received message names, or nothing when the block is not one of ours.
  static std::optional<wire::NodeId> signer_of(const wire::Message& m, std::size_t node_id_length);

 private:
  wire::NodeId signer_;
  SecuritySettings settings_;
};

}  // namespace reload::sim
