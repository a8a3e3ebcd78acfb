#include "sim_storage.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "config/kinds.hpp"
#include "crypto/issuance.hpp"
#include "crypto/private_key.hpp"
#include "sim_crypto.hpp"
#include "wire/codec.hpp"
#include "wire/hashes.hpp"
#include "wire/xmpp_location.hpp"

namespace reload::sim {

namespace {

using namespace std::chrono_literals;

}  // namespace

StorageWorld::StorageWorld(const StorageSettings& settings) {
  const auto started = std::chrono::steady_clock::now();
  config::KindDefinition k;
  if (settings.xmpp_location) {
    // The standard Kind's Kind-ID, data model and access control, as the overlay
    // configuration document gets them.
    const auto* known = config::find_known_kind(config::standard_kinds(), wire::kinds::xmpp_location);
    kind_ = known->id;
    k.name = known->name;
    k.data_model = known->data_model;
    k.access_control = known->access_control;
    k.max_count = 16;
    k.max_size = 1000;
  } else {
    k.name = "SIM-VALUE";
    k.data_model = wire::DataModel::single_value;
    k.access_control = config::AccessControl::user_match;
    k.max_count = 1;
    k.max_size = static_cast<std::uint32_t>(std::max<std::size_t>(settings.value_bytes, 1));
  }
  k.id = kind_;
  configuration_.instance_name = overlay_name;
  configuration_.kinds = {k};
  models_ = configuration_.data_models();
  codec_ = configuration_.codec_context(models_);

  auto ca = must(crypto::CertificateAuthority::create("reload-sim CA", crypto::KeyType::ecdsa_p256, 24h * 365),
                 "making the CA");
  crypto::TrustPolicy policy;
  policy.overlay = overlay_name;
  policy.roots = {ca.certificate()};
  // Every value's storer, and the placeholder signer, is in the cache for good.
  cache_ = std::make_unique<crypto::CertificateCache>(crypto::TrustStore(policy), settings.values + 16);

  // One key for every user: a certificate per user name, as USER-MATCH needs one per
  // Resource-ID; the keys' number changes nothing the simulator measures.
  auto key = must(crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256), "making a key");
  auto csr = must(crypto::CertificateRequest::parse(must(crypto::make_certificate_request(key, ""), "a CSR")),
                  "a CSR");
  auto issue = [&](std::string user, std::size_t n) {
    wire::Buffer id(16, 0);
    for (std::size_t b = 0; b < 8; ++b) id[15 - b] = static_cast<std::uint8_t>(n >> (8 * b));
    id[0] = 0x55;
    std::optional<std::string> xmpp;
    if (settings.xmpp_location) xmpp = user;
    crypto::Identity who{{wire::NodeId(wire::Bytes(id.data(), id.size()))}, overlay_name, std::move(user), xmpp, {}, {}};
    return issue_certificate(ca, csr, who);
  };

  anonymous_.emplace(crypto::VerifiedSigner{issue("anonymous@sim.example", 0), {}});
  values_.reserve(settings.values);
  for (std::size_t i = 0; i < settings.values; ++i) {
    auto cert = issue(fmt::format("u{:07}@sim.example", i), i + 1);
    if (!cache_->verified(cert.der())) throw std::runtime_error("reload-sim: a user certificate does not verify");
    auto signer = must(crypto::Signer::make(key, cert, {}), "a signer");
    SimValue v{wire::resource_id_of(fmt::format("u{:07}@sim.example", i)), {}, cert, {}, {}};
    wire::StoredDataValue value;
    if (settings.xmpp_location) {
      // The device's route location: its own Node-ID (the certificate's) as the destination.
      const wire::NodeId device = cert.node_ids(overlay_name).at(0);
      v.key.assign(device.bytes().begin(), device.bytes().end());
      v.payload = must(wire::encode_to_buffer(wire::XmppLocation{wire::XmppLocationRoute{0, {device}}}),
                       "encoding an XmppLocation");
      value = wire::DictionaryEntry{v.key, wire::DataValue{true, v.payload}};
    } else {
      v.payload.assign(settings.value_bytes, 0);
      for (std::size_t b = 0; b < v.payload.size(); ++b) v.payload[b] = static_cast<std::uint8_t>(i * 31 + b);
      value = wire::DataValue{true, v.payload};
    }
    const std::uint64_t storage_time = 1'800'000'000'000ULL + i;  // ms; fixed: the run is deterministic
    for (;;) {
      auto sig = must(signer.sign_stored_data(v.resource, kind_, storage_time, value), "signing a value");
      if (sig.value.size() != signature_length) continue;
      wire::StoreReq req;
      req.resource = v.resource;
      req.replica_number = 0;
      req.kind_data.push_back({kind_, 0, {wire::StoredData{storage_time, settings.lifetime_s, value, sig.view()}}});
      v.store_req = must(wire::encode_to_buffer(req), "encoding a StoreReq");
      break;
    }
    by_resource_.emplace_back(v.resource, i);
    values_.push_back(std::move(v));
  }
  std::sort(by_resource_.begin(), by_resource_.end());
  setup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::size_t StorageWorld::index_of(const wire::ResourceId& resource) const {
  auto it = std::lower_bound(by_resource_.begin(), by_resource_.end(), resource,
                             [](const auto& e, const wire::ResourceId& r) { return e.first < r; });
  return it != by_resource_.end() && it->first == resource ? it->second : values_.size();
}

}  // namespace reload::sim
