#include "wireshark_expectations.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "sample_messages.hpp"
#include "wire/body.hpp"
#include "wire/codec.hpp"
#include "wire/message.hpp"

namespace reload::test {

using namespace reload::wire;

namespace {

// The fields are Wireshark's (tshark -G fields), the values in tshark's JSON text form.
class Expect {
 public:
  void add(std::string field, std::string value) { out.emplace_back(std::move(field), std::move(value)); }
  void num(const char* field, std::uint64_t v) { add(field, std::to_string(v)); }
  void hex8(const char* field, std::uint8_t v) { add(field, fmt::format("0x{:02x}", v)); }
  void bytes(const char* field, Bytes b) {
    std::string s;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (i) s += ':';
      s += fmt::format("{:02x}", b[i]);
    }
    add(field, s);
  }
  void node_ids(const std::vector<NodeId>& ids) {
    for (const auto& id : ids) bytes("reload.nodeid", id.bytes());
  }
  void signature(const Signature& s) {
    num("reload.hash_algorithm", static_cast<std::uint8_t>(s.algorithm.hash));
    num("reload.signature_algorithm", static_cast<std::uint8_t>(s.algorithm.signature));
    num("reload.signature.identity.type", static_cast<std::uint8_t>(s.identity.identity_type));
    if (s.identity.identity_type == SignerIdentityType::cert_hash ||
        s.identity.identity_type == SignerIdentityType::cert_hash_node_id)
      num("reload.signeridentityvalue.hash_alg", static_cast<std::uint8_t>(s.identity.hash_alg));
  }
  void address(const IpAddressPort& a) {
    if (const auto* v4 = std::get_if<Ipv4AddrPort>(&a)) {
      hex8("reload.ipaddressport.type", 1);
      add("reload.ipv4addr", fmt::format("{}.{}.{}.{}", v4->addr[0], v4->addr[1], v4->addr[2], v4->addr[3]));
      num("reload.port", v4->port);
    } else if (const auto* v6 = std::get_if<Ipv6AddrPort>(&a)) {
      hex8("reload.ipaddressport.type", 2);
      // Wireshark prints RFC 5952 text; the samples use 2001:db8::1 only.
      add("reload.ipv6addr", address_to_string(a));
      num("reload.port", v6->port);
    }
  }
  // Wireshark 4.0 reads IceCandidate.priority at the candidate's first byte instead of its
  // own (packet-reload.c omits icecandidate_offset), so its priority is not compared.
  void candidates(const std::vector<IceCandidate>& cs) {
    for (const auto& c : cs) {
      address(c.addr_port);
      num("reload.overlaylink.type", static_cast<std::uint8_t>(c.overlay_link));
      add("reload.opaque.string", std::string(as_string_view(c.foundation)));
      num("reload.icecandidate.type", static_cast<std::uint8_t>(c.type));
      if (c.rel_addr_port) address(*c.rel_addr_port);
    }
  }
  void stored_data(const StoredData& d) {
    num("reload.storeddata.lifetime", d.lifetime);
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, DataValue>) {
            num("reload.datavalue.exists", v.exists);
          } else if constexpr (std::is_same_v<V, ArrayEntry>) {
            num("reload.arrayentry.index", v.index);
            num("reload.datavalue.exists", v.value.exists);
          } else if constexpr (std::is_same_v<V, DictionaryEntry>) {
            num("reload.datavalue.exists", v.value.exists);
          }
        },
        d.value);
  }
  void strings(std::initializer_list<Bytes> list) {
    for (auto b : list) add("reload.opaque.string", std::string(as_string_view(b)));
  }

  std::vector<FieldValue> out;
};

struct BodyExpectations {
  Expect& e;
  std::vector<const Signature*>& signatures;  // signatures inside the body, in wire order

  void operator()(const ProbeReq& p) {
    for (auto t : p.requested_info) e.hex8("reload.probe_information.type", static_cast<std::uint8_t>(t));
  }
  void operator()(const ProbeAns& p) {
    for (const auto& i : p.probe_info) {
      e.hex8("reload.probe_information.type", static_cast<std::uint8_t>(i.type));
      switch (i.type) {
        case ProbeInformationType::responsible_set:
          e.add("reload.responsible_set", fmt::format("0x{:08x}", i.value));
          break;
        case ProbeInformationType::num_resources: e.num("reload.num_resources", i.value); break;
        case ProbeInformationType::uptime: e.num("reload.uptime", i.value); break;
      }
    }
  }
  void operator()(const AttachReqAns& a) {
    e.strings({a.ufrag, a.password, a.role});
    e.candidates(a.candidates);
    e.num("reload.sendupdate", a.send_update);
  }
  template <class AppAttach>
  void app_attach(const AppAttach& a) {
    e.strings({a.ufrag, a.password});
    e.num("reload.application", a.application);
    e.strings({a.role});
    e.candidates(a.candidates);
  }
  void operator()(const AppAttachReq& a) { app_attach(a); }
  void operator()(const AppAttachAns& a) { app_attach(a); }
  void operator()(const StoreReq& s) {
    e.num("reload.store.replica_number", s.replica_number);
    for (const auto& k : s.kind_data) {
      e.num("reload.kinddata.kind", k.kind);
      e.num("reload.generation_counter", k.generation_counter);
      for (const auto& v : k.values) {
        e.stored_data(v);
        signatures.push_back(&v.signature);
      }
    }
  }
  void operator()(const StoreAns& s) {
    for (const auto& k : s.kind_responses) {
      e.num("reload.kinddata.kind", k.kind);
      e.num("reload.generation_counter", k.generation_counter);
      e.node_ids(k.replicas);
    }
  }
  template <class Req>
  void specifiers(const Req& r) {
    for (const auto& s : r.specifiers) {
      e.num("reload.kinddata.kind", s.kind);
      e.num("reload.generation_counter", s.generation);
    }
  }
  void operator()(const FetchReq& r) { specifiers(r); }
  void operator()(const StatReq& r) { specifiers(r); }
  void operator()(const FetchAns& a) {
    for (const auto& k : a.kind_responses) {
      e.num("reload.kinddata.kind", k.kind);
      e.num("reload.generation_counter", k.generation);
      for (const auto& v : k.values) {
        e.stored_data(v);
        signatures.push_back(&v.signature);
      }
    }
  }
  void operator()(const StatAns& a) {
    for (const auto& k : a.kind_responses) {
      e.num("reload.kinddata.kind", k.kind);
      e.num("reload.generation_counter", k.generation);
      for (const auto& v : k.values) {
        e.num("reload.storeddata.lifetime", v.lifetime);
        const MetaData* md = nullptr;
        if (const auto* m = std::get_if<MetaData>(&v.metadata)) md = m;
        if (const auto* a = std::get_if<ArrayEntryMeta>(&v.metadata)) {
          e.num("reload.arrayentry.index", a->index);
          md = &a->value;
        }
        // The dictionary key is shown only as a generic reload.opaque.data, not compared.
        if (const auto* d = std::get_if<DictionaryEntryMeta>(&v.metadata)) md = &d->value;
        if (md == nullptr) continue;
        e.num("reload.datavalue.exists", md->exists);
        e.num("reload.metadata.value_length", md->value_length);
        e.num("reload.hash_algorithm", static_cast<std::uint8_t>(md->hash_algorithm));
      }
    }
  }
  void operator()(const FindReq& r) {
    for (auto k : r.kinds) e.num("reload.kindid", k);
  }
  void operator()(const FindAns& a) {
    for (const auto& k : a.results) e.num("reload.kinddata.kind", k.kind);
  }
  void operator()(const JoinReq& j) { e.bytes("reload.joinreq.joining_peer_id", j.joining_peer_id.bytes()); }
  void operator()(const LeaveReq& l) {
    e.bytes("reload.leavereq.leaving_peer_id", l.leaving_peer_id.bytes());
    CodecContext ctx;
    auto data = decode_exact<ChordLeaveData>(l.overlay_specific_data, ctx);
    if (!data) throw std::logic_error("sample LeaveReq without ChordLeaveData");
    e.num("reload.chordleavedata.type", static_cast<std::uint8_t>(data->type));
    e.node_ids(data->type == ChordLeaveType::from_succ ? data->successors : data->predecessors);
  }
  void operator()(const ChordUpdate& u) {
    e.num("reload.uptime", u.uptime);
    e.num("reload.chordupdate.type", static_cast<std::uint8_t>(u.type));
    e.node_ids(u.predecessors);
    e.node_ids(u.successors);
    e.node_ids(u.fingers);
  }
  void operator()(const RouteQueryReq& r) { e.num("reload.sendupdate", r.send_update); }
  void operator()(const ChordRouteQueryAns& a) {
    e.bytes("reload.chordroutequeryans.nodeid", a.next_peer.bytes());
  }
  void operator()(const PingAns& p) { e.num("reload.ping.response_id", p.response_id); }
  void operator()(const ConfigUpdateReq& c) {
    e.num("reload.configupdatereq.type", static_cast<std::uint8_t>(c.type));
  }
  void operator()(const ErrorResponse& r) {
    e.num("reload.error_response.code", r.error_code);
    if (r.error_code == static_cast<std::uint16_t>(errc::unknown_kind)) {
      for (auto k : decode_unknown_kinds_info(r.error_info).value()) e.num("reload.kindid", k);
    } else if (r.error_code == static_cast<std::uint16_t>(errc::generation_counter_too_low)) {
      (*this)(decode_generation_counter_info(r.error_info, CodecContext{}).value());
    } else {
      e.add("reload.opaque.string", std::string(as_string_view(r.error_info)));
    }
  }
  // Bodies with nothing Wireshark shows beyond lengths.
  void operator()(const PingReq&) {}
  void operator()(const JoinAns&) {}
  void operator()(const LeaveAns&) {}
  void operator()(const UpdateAns&) {}
  void operator()(const ConfigUpdateAns&) {}
  void operator()(const OpaqueBody&) {}
};

}  // namespace

std::vector<FieldValue> wireshark_expectations(std::uint32_t frame_sequence, Bytes message) {
  CodecContext ctx;
  ctx.data_models = &sample_data_models();
  auto m = decode_message(message, ctx);
  if (!m) throw std::logic_error("sample message does not decode");
  const auto& h = m->header;
  Expect e;
  e.num("reload_framing.type", 128);
  e.num("reload_framing.sequence", frame_sequence);
  e.add("reload.forwarding.token", "0xd2454c4f");
  e.add("reload.forwarding.overlay", fmt::format("0x{:08x}", h.overlay));
  e.num("reload.forwarding.configuration_sequence", h.configuration_sequence);
  e.add("reload.forwarding.version", fmt::format("0x{:02x}", h.version));
  e.num("reload.forwarding.ttl", h.ttl);
  e.add("reload.forwarding.fragment", fmt::format("0x{:08x}", h.fragment));
  e.add("reload.forwarding.trans_id", fmt::format("0x{:016x}", h.transaction_id));
  e.num("reload.forwarding.max_response_length", h.max_response_length);
  for (const auto* list : {&h.via_list, &h.destination_list})
    for (const auto& d : *list)
      if (const auto* id = std::get_if<NodeId>(&d)) e.bytes("reload.destination.data.nodeid", id->bytes());
  e.num("reload.message.code", m->contents.message_code);

  auto body = decode_body(m->contents.message_code, m->contents.message_body, ctx);
  if (!body) throw std::logic_error("sample body does not decode");
  std::vector<const Signature*> signatures;
  std::visit(BodyExpectations{e, signatures}, *body);
  for (const auto* s : signatures) e.signature(*s);
  e.signature(m->security.signature);
  return std::move(e.out);
}

}  // namespace reload::test
