// The other position of the signature switch (`--signatures ecdsa`): every message a node
// makes is signed with ECDSA P-256 as reload-node signs it (RFC 6940 section 6.3.4,
// cert_hash_node_id, the node's certificate in the block), and every message delivered to a
// node is verified, through one certificate cache, before the node acts on it. Forwarding
// peers read the header only, as in reload-node. What it measures is what signatures cost
// the simulator and the overlay's message sizes with real certificates.
//
// Each node's certificate is issued by a test CA made in-process when the node first signs
// (one key for every node: the number of keys changes nothing measured). ECDSA signatures are
// randomised and their DER length varies (70 to 72 bytes), so every signature is made again
// until it is 71 bytes long: message sizes, and so timing, depend on the seed alone.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "crypto/certificate_cache.hpp"
#include "crypto/issuance.hpp"
#include "crypto/signing.hpp"
#include "wire/message.hpp"
#include "wire/node_id.hpp"

namespace reload::sim {

class MessageSigning {
 public:
  MessageSigning();
  MessageSigning(const MessageSigning&) = delete;
  MessageSigning& operator=(const MessageSigning&) = delete;

  // Fills `m.security` for `signer`: its certificate and a signature over the message's
  // overlay, transaction id and contents. The signature's bytes are kept here until the next
  // seal(): `m` must be encoded before it, as SimNode::build does.
  void seal(wire::Message& m, const wire::NodeId& signer);
  // The Node-ID a delivered message was signed by, or nothing when the signature or the
  // certificate does not verify.
  std::optional<wire::NodeId> verify(const wire::Message& m);

  std::uint64_t signed_count() const noexcept { return signed_; }

 private:
  const crypto::Signer& signer_for(const wire::NodeId& id);

  std::optional<crypto::CertificateAuthority> ca_;
  std::optional<crypto::PrivateKey> key_;
  std::optional<crypto::CertificateRequest> csr_;
  std::unique_ptr<crypto::CertificateCache> cache_;
  std::map<wire::NodeId, crypto::Signer> signers_;
  crypto::OwnedSignature last_;
  std::uint64_t signed_ = 0;
};

}  // namespace reload::sim
