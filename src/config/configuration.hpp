// One overlay's configuration: every element of RFC 6940 section 11.1 (and its RELAX NG
// grammar, 11.1.1), with the RFC's defaults where the RFC gives one.
//
// A Configuration is a plain value: the parser (overlay_document.hpp) fills it, and the rest
// of the node reads it: the codec's limits and data models, the trust store's roots, the
// Chord timers, the storage layer's Kinds.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/kinds.hpp"
#include "crypto/certificate.hpp"
#include "crypto/trust_store.hpp"
#include "wire/codec_context.hpp"
#include "wire/node_id.hpp"
#include "wire/security_block.hpp"

namespace reload::config {

// The namespaces of section 11.1. Elements of other namespaces are extensions.
inline constexpr std::string_view ns_config_base = "urn:ietf:params:xml:ns:p2p:config-base";
inline constexpr std::string_view ns_config_chord = "urn:ietf:params:xml:ns:p2p:config-chord";

inline constexpr std::string_view chord_reload = "CHORD-RELOAD";
inline constexpr std::uint16_t default_port = 6084;  // bootstrap-node's port (section 11.1)

struct BootstrapNode {
  std::string address;  // an IPv4 or IPv6 literal, as written (checked when parsed)
  std::uint16_t port = default_port;
  friend bool operator==(const BootstrapNode&, const BootstrapNode&) = default;
};

struct Configuration {
  using Clock = std::chrono::system_clock;

  // <configuration> attributes.
  std::string instance_name;             // required: the overlay name
  std::optional<std::uint16_t> sequence;  // 0..65534; absent sorts below every number
  std::optional<Clock::time_point> expiration;  // absent: does not expire

  // Defaults below are the RFC's (section 11.1) unless a comment says otherwise.
  std::string topology_plugin{chord_reload};  // only CHORD-RELOAD is accepted by the parser
  std::size_t node_id_length = 16;            // 16..20
  std::vector<crypto::Certificate> root_certs;
  std::vector<std::string> enrollment_servers;  // https: URLs
  bool self_signed_permitted = false;
  wire::HashAlgorithm self_signed_digest = wire::HashAlgorithm::sha1;  // its digest attribute
  std::vector<BootstrapNode> bootstrap_nodes;
  bool no_ice = false;
  std::optional<std::string> shared_secret;  // trimmed like every other value
  bool clients_permitted = true;
  std::uint8_t turn_density = 1;            // 0: no TURN servers in the overlay
  std::uint32_t max_message_size = 5000;    // bytes
  std::uint8_t initial_ttl = 100;           // xsd:int in the grammar; the header's TTL is 8 bits
  std::chrono::milliseconds overlay_reliability_timer{3000};  // at least 200 ms
  // "If none appear, then this implies the default value, TLS"; if any appear, only those.
  std::vector<std::string> overlay_link_protocols{"TLS"};

  // config-chord namespace (section 10.7.4): Updates "about every ten minutes" (600 s is our
  // reading), finger Pings at most every 3600 s, reactive recovery on.
  std::chrono::seconds chord_update_interval{600};
  std::chrono::seconds chord_ping_interval{3600};
  bool chord_reactive = true;

  std::vector<std::string> mandatory_extensions;  // XML namespaces a member must support
  std::vector<wire::NodeId> configuration_signers;
  std::vector<wire::NodeId> kind_signers;
  std::vector<wire::NodeId> bad_nodes;  // certificates with these Node-IDs are not valid

  std::vector<KindDefinition> kinds;  // <required-kinds>, in document order, ids unique

  // The Kind with this id / this name, or nullptr.
  const KindDefinition* find_kind(wire::KindId id) const noexcept;
  const KindDefinition* find_kind_by_name(std::string_view name) const noexcept;

  // Kind-ID -> data model for the codec's CodecContext. Only the document's Kinds: a Kind
  // the overlay does not require is unknown to the codec (Error_Unknown_Kind upstream).
  wire::DataModelTable data_models() const;
  // The codec's context for this overlay; `models` must outlive it (usually data_models()
  // kept next to the configuration).
  wire::CodecContext codec_context(const wire::DataModelTable& models) const noexcept;

  // Who is trusted: the root-certs, or self-signed certificates if permitted.
  crypto::TrustPolicy trust_policy() const;

  bool is_bad_node(const wire::NodeId& id) const noexcept;
  bool is_configuration_signer(const wire::NodeId& id) const noexcept;
  bool is_kind_signer(const wire::NodeId& id) const noexcept;
  bool expired(Clock::time_point now) const noexcept { return expiration && *expiration <= now; }
};

}  // namespace reload::config
