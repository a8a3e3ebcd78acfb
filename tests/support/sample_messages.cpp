#include "sample_messages.hpp"

#include <array>
#include <deque>
#include <stdexcept>

#include "wire/body.hpp"
#include "wire/codec.hpp"
#include "wire/hashes.hpp"
#include "wire/message.hpp"
#include "wire/xmpp_location.hpp"

namespace reload::test {

using namespace reload::wire;

namespace {

// Keeps the bytes the views of a sample point at alive while it is encoded.
class Arena {
 public:
  Bytes keep(Buffer b) { return store_.emplace_back(std::move(b)); }
  Bytes text(std::string_view s) { return keep(Buffer(s.begin(), s.end())); }
  Bytes filled(std::size_t n, std::uint8_t seed) {
    Buffer b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 13);
    return keep(std::move(b));
  }

 private:
  std::deque<Buffer> store_;
};

NodeId node(std::uint8_t seed) {
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed + i * 17);
  return NodeId(Bytes(b.data(), b.size()));
}

Signature fake_signature(Arena& a, std::uint8_t seed) {
  Signature s;
  s.algorithm = {HashAlgorithm::sha256, SignatureAlgorithm::rsa};
  s.identity.identity_type = SignerIdentityType::cert_hash;
  s.identity.hash_alg = HashAlgorithm::sha256;
  s.identity.hash = a.filled(32, seed);
  s.signature_value = a.filled(256, static_cast<std::uint8_t>(seed + 1));
  return s;
}

Signature none_signature() { return Signature{}; }  // identity none, algorithm {0,0}

// A real DER certificate (EC P-256, self-signed, a reload:// URI in its subjectAltName), so
// that tools which parse certificates (Wireshark's x509af) see a valid one.
Bytes sample_certificate(Arena& a) {
  static const char* der_hex =
      "308201ca30820170a003020102021403c1adc69abcab4ca3f640550ff0f16a467441d0300a06082a8648ce3d04030230"
      "11310f300d06035504030c0673616d706c653020170d3236313132333035343632395a180f3231323631303330303534"
      "3632395a3011310f300d06035504030c0673616d706c653059301306072a8648ce3d020106082a8648ce3d0301070342"
      "00045788e4fedec189feb751a2c73e09d739fd0fd95ae978bdea42b06b38b40474206de4b87fe3934605b5c9634ac922"
      "ae3aded089f3bd10f01d75b990f97678f37fa381a33081a0301d0603551d0e04160414c95632ac8be7c6c50770baa30f"
      "671b8e264aa3f8301f0603551d23041830168014c95632ac8be7c6c50770baa30f671b8e264aa3f8300f0603551d1301"
      "01ff040530030101ff304d0603551d1104463044864272656c6f61643a2f2f3031313061306231633264336534663530"
      "36313732383339346135623663376438653966406f7665726c61792e6578616d706c652e6f72672f300a06082a8648ce"
      "3d0403020348003045022100b2f39eea7e4126ad57cf531672316a0c611937055b8650553a63d6b0f74336f0022027e6"
      "9fbceba96948188df8b2567b62f4640630b270f930a91526bf855902c0db";
  Buffer der;
  if (!from_hex(der_hex, der)) throw std::logic_error("bad certificate hex");
  return a.keep(std::move(der));
}

Buffer encode_with(std::uint16_t code, Bytes body, DestinationList dest, DestinationList via,
                   std::uint64_t txid, Arena& a, bool with_certificate = false) {
  Message m;
  m.header.overlay = overlay_hash(sample_overlay_name);
  m.header.configuration_sequence = 22;
  m.header.ttl = 100;
  m.header.transaction_id = txid;
  m.header.via_list = std::move(via);
  m.header.destination_list = std::move(dest);
  m.contents.message_code = code;
  m.contents.message_body = body;
  m.security.signature = fake_signature(a, static_cast<std::uint8_t>(txid));
  if (with_certificate) m.security.certificates = {GenericCertificate{CertificateType::x509, sample_certificate(a)}};
  auto out = encode_message(m);
  if (!out) throw std::logic_error("sample message does not encode");
  return std::move(*out);
}

Bytes body_of(const Body& b, Arena& a) {
  auto out = encode_body(b);
  if (!out) throw std::logic_error("sample body does not encode");
  return a.keep(std::move(*out));
}

IceCandidate host_candidate(Arena& a, OverlayLinkType link) {
  IceCandidate c;
  c.addr_port = Ipv4AddrPort{{192, 0, 2, 1}, 6084};
  c.overlay_link = link;
  c.foundation = a.text("1");
  c.priority = 2130706431;
  c.type = CandType::host;
  return c;
}

std::vector<IceCandidate> ice_candidates(Arena& a) {
  auto host = host_candidate(a, OverlayLinkType::dtls_udp_sr);
  IceCandidate srflx = host;
  srflx.addr_port = Ipv4AddrPort{{198, 51, 100, 7}, 40000};
  srflx.foundation = a.text("2");
  srflx.priority = 1694498815;
  srflx.type = CandType::srflx;
  srflx.rel_addr_port = Ipv4AddrPort{{192, 0, 2, 1}, 6084};
  IceCandidate relay = host;
  Ipv6AddrPort v6{};
  v6.addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  v6.port = 3478;
  relay.addr_port = v6;
  relay.foundation = a.text("3");
  relay.priority = 16777215;
  relay.type = CandType::relay;
  relay.rel_addr_port = Ipv4AddrPort{{198, 51, 100, 7}, 40000};
  relay.extensions = {IceExtension{a.text("network-id"), a.text("1")}};
  return {host, srflx, relay};
}

Bytes xmpp_route(Arena& a, std::uint8_t seed, std::uint8_t priority) {
  XmppLocation loc;
  loc.data = XmppLocationRoute{priority, {node(seed)}};
  return a.keep(encode_to_buffer(loc).value());
}

StoredData dictionary_value(Arena& a, std::uint8_t seed) {
  StoredData d;
  d.storage_time = 1700000000000ull + seed;
  d.lifetime = 86400;
  d.value = DictionaryEntry{a.keep(to_buffer(node(seed).bytes())), DataValue{true, xmpp_route(a, seed, 10)}};
  d.signature = fake_signature(a, seed);
  return d;
}

StoreReq store_req(Arena& a, std::size_t entries) {
  StoreReq req;
  req.resource = resource_id_of("juliet@capulet.lit");
  req.replica_number = 0;
  StoreKindData k;
  k.kind = kinds::xmpp_location;
  k.generation_counter = 0;
  for (std::size_t i = 0; i < entries; ++i)
    k.values.push_back(dictionary_value(a, static_cast<std::uint8_t>(0x10 + i)));
  req.kind_data.push_back(std::move(k));
  return req;
}

}  // namespace

const DataModelTable& sample_data_models() {
  static const DataModelTable t = DataModelTable::with_standard_kinds();
  return t;
}

Buffer sample_store_req(std::size_t entries) {
  Arena a;
  auto req = store_req(a, entries);
  return encode_with(static_cast<std::uint16_t>(MessageCode::store_req), body_of(req, a),
                     {req.resource}, {}, 0x5000, a);
}

Buffer sample_ping_req(std::size_t via) {
  Arena a;
  DestinationList vias;
  for (std::size_t i = 0; i < via; ++i) vias.push_back(node(static_cast<std::uint8_t>(0x60 + i)));
  return encode_with(static_cast<std::uint16_t>(MessageCode::ping_req), body_of(PingReq{}, a),
                     {node(0xfe)}, std::move(vias), 0x1122334455667788ull, a);
}

std::vector<SampleMessage> sample_messages() {
  Arena a;
  std::vector<SampleMessage> out;
  std::uint64_t txid = 0x0100;
  auto add = [&](std::string name, MessageCode code, const Body& body,
                 DestinationList dest = {}, DestinationList via = {}) {
    if (dest.empty()) dest = {node(0xa0)};
    auto c = static_cast<std::uint16_t>(code);
    bool with_certificate = code == MessageCode::store_req;  // as a storing peer must
    out.push_back({std::move(name), c, encode_with(c, body_of(body, a), std::move(dest),
                                                   std::move(via), ++txid, a, with_certificate)});
  };
  ResourceId juliet = resource_id_of("juliet@capulet.lit");

  add("probe_req", MessageCode::probe_req,
      ProbeReq{{ProbeInformationType::responsible_set, ProbeInformationType::num_resources,
                ProbeInformationType::uptime}});
  add("probe_ans", MessageCode::probe_ans,
      ProbeAns{{{ProbeInformationType::responsible_set, 125000000, {}},
                {ProbeInformationType::num_resources, 42, {}},
                {ProbeInformationType::uptime, 3600, {}}}});

  AttachReqAns attach{a.text("ufrg"), a.text("0123456789abcdefghij0123"), a.text("passive"),
                      ice_candidates(a), true};
  add("attach_req", MessageCode::attach_req, attach, {node(0xa1)}, {node(0x01), node(0x02)});
  AttachReqAns attach_ans{a.text("ufr2"), a.text("abcdefghij0123456789abcd"), a.text("active"),
                          {host_candidate(a, OverlayLinkType::tls_tcp_fh_no_ice)}, false};
  add("attach_ans", MessageCode::attach_ans, attach_ans);

  StoreReq store = store_req(a, 2);
  StoreKindData certs;
  certs.kind = kinds::certificate_by_node;
  StoredData cert;
  cert.storage_time = 1700000000123ull;
  cert.lifetime = 3600;
  cert.value = ArrayEntry{array_last_index, DataValue{true, sample_certificate(a)}};
  cert.signature = fake_signature(a, 0x33);
  certs.values.push_back(cert);
  store.kind_data.push_back(certs);
  StoreKindData turn;
  turn.kind = kinds::turn_service;
  turn.generation_counter = 7;
  StoredData turn_value;
  turn_value.storage_time = 1700000000456ull;
  turn_value.lifetime = 600;
  turn_value.value = DataValue{true, a.keep({0x01, 0x01, 0x06, 192, 0, 2, 1, 0x0d, 0x96})};
  turn_value.signature = fake_signature(a, 0x44);
  turn.values.push_back(turn_value);
  store.kind_data.push_back(turn);
  add("store_req", MessageCode::store_req, store, {juliet});
  add("store_ans", MessageCode::store_ans,
      StoreAns{{{kinds::xmpp_location, 3, {node(0xb1), node(0xb2)}},
                {kinds::turn_service, 8, {node(0xb1), node(0xb2)}}}});

  FetchReq fetch{juliet,
                 {{kinds::xmpp_location, 0, DictionarySpecifier{}},
                  {kinds::certificate_by_node, 0, ArraySpecifier{{{0, 3}, {5, array_last_index}}}},
                  {kinds::turn_service, 7, SingleValueSpecifier{}}}};
  add("fetch_req", MessageCode::fetch_req, fetch, {juliet});
  StoredData missing;  // what Fetch makes up for a value that does not exist
  missing.value = DataValue{false, {}};
  missing.signature = none_signature();
  add("fetch_ans", MessageCode::fetch_ans,
      FetchAns{{{kinds::xmpp_location, 3, {dictionary_value(a, 0x21), dictionary_value(a, 0x22)}},
                {kinds::turn_service, 8, {missing}}}});

  add("stat_req", MessageCode::stat_req,
      StatReq{juliet, {{kinds::xmpp_location, 0, DictionarySpecifier{{a.keep(to_buffer(node(0x21).bytes()))}}}}},
      {juliet});
  StoredMetaData meta;
  meta.storage_time = 1700000000021ull;
  meta.lifetime = 86400;
  meta.metadata = DictionaryEntryMeta{a.keep(to_buffer(node(0x21).bytes())),
                                      MetaData{true, 22, HashAlgorithm::sha256, a.filled(32, 5)}};
  add("stat_ans", MessageCode::stat_ans, StatAns{{{kinds::xmpp_location, 3, {meta}}}});

  add("find_req", MessageCode::find_req, FindReq{juliet, {kinds::xmpp_location, kinds::turn_service}},
      {juliet});
  add("find_ans", MessageCode::find_ans,
      FindAns{{{kinds::xmpp_location, juliet}, {kinds::turn_service, ResourceId(Buffer{0})}}});

  add("join_req", MessageCode::join_req, JoinReq{node(0xc1), {}});
  add("join_ans", MessageCode::join_ans, JoinAns{});
  ChordLeaveData leave_data{ChordLeaveType::from_succ, {node(0xd1), node(0xd2), node(0xd3)}, {}};
  add("leave_req", MessageCode::leave_req,
      LeaveReq{node(0xc1), a.keep(encode_to_buffer(leave_data).value())});
  add("leave_ans", MessageCode::leave_ans, LeaveAns{});

  add("update_req_peer_ready", MessageCode::update_req, ChordUpdate{60, ChordUpdateType::peer_ready, {}, {}, {}});
  add("update_req_neighbors", MessageCode::update_req,
      ChordUpdate{3600, ChordUpdateType::neighbors, {node(0x11), node(0x12), node(0x13)},
                  {node(0x21), node(0x22), node(0x23)}, {}});
  add("update_req_full", MessageCode::update_req,
      ChordUpdate{7200, ChordUpdateType::full, {node(0x11)}, {node(0x21)},
                  {node(0x31), node(0x41), node(0x51)}});
  add("update_ans", MessageCode::update_ans, UpdateAns{});

  add("route_query_req", MessageCode::route_query_req, RouteQueryReq{true, juliet, {}});
  add("route_query_ans", MessageCode::route_query_ans, ChordRouteQueryAns{node(0xe1)});

  add("ping_req", MessageCode::ping_req, PingReq{a.filled(64, 1)}, {NodeId::wildcard()});
  add("ping_ans", MessageCode::ping_ans, PingAns{0x0102030405060708ull, 1700000000789ull});

  add("app_attach_req", MessageCode::app_attach_req,
      AppAttachReq{a.text("ufr3"), a.text("0123456789abcdefghij0123"), 5222, a.text("passive"),
                   ice_candidates(a)});
  add("app_attach_ans", MessageCode::app_attach_ans,
      AppAttachAns{a.text("ufr4"), a.text("abcdefghij0123456789abcd"), 5222, a.text("active"),
                   {host_candidate(a, OverlayLinkType::dtls_udp_sr)}});

  ConfigUpdateReq config;
  config.type = ConfigUpdateType::config;
  config.config_data = a.text(
      "<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">"
      "<configuration instance-name=\"overlay.example.org\" sequence=\"23\"/></overlay>");
  add("config_update_req", MessageCode::config_update_req, config);
  ConfigUpdateReq kinds_update;
  kinds_update.type = ConfigUpdateType::kind;
  kinds_update.kinds = {a.text("<kind id=\"5\"><data-model>DICTIONARY</data-model></kind>")};
  add("config_update_req_kind", MessageCode::config_update_req, kinds_update);
  add("config_update_ans", MessageCode::config_update_ans, ConfigUpdateAns{});

  add("error_forbidden", MessageCode::error,
      ErrorResponse{static_cast<std::uint16_t>(errc::forbidden), a.text("not your resource")});
  std::array<KindId, 2> unknown{0x77, 0x78};
  add("error_unknown_kind", MessageCode::error,
      ErrorResponse{static_cast<std::uint16_t>(errc::unknown_kind),
                    a.keep(encode_unknown_kinds_info(unknown).value())});
  StoreAns current{{{kinds::xmpp_location, 12, {}}}};
  add("error_generation_counter_too_low", MessageCode::error,
      ErrorResponse{static_cast<std::uint16_t>(errc::generation_counter_too_low),
                    a.keep(encode_generation_counter_info(current).value())});
  return out;
}

}  // namespace reload::test
