#include "config/configuration_reader.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include <fmt/format.h>

#include "config/lexical.hpp"

namespace reload::config::detail {

using boost::system::result;

ConfigError error_at(const ReaderContext& ctx, const XmlElement& e, ConfigErrc code,
                     std::string reason) {
  return ConfigError{code, std::string(ctx.source_name), e.line, e.name.qualified(),
                     std::move(reason)};
}

namespace {

bool is_ours(std::string_view ns) noexcept {
  return ns == ns_config_base || ns == ns_config_chord;
}

}  // namespace

result<void, ConfigError> check_attributes(const ReaderContext& ctx, const XmlElement& e,
                                           std::initializer_list<std::string_view> allowed) {
  for (const auto& a : e.attributes) {
    if (a.name.ns.empty()) {
      if (std::find(allowed.begin(), allowed.end(), a.name.local) == allowed.end())
        return error_at(ctx, e, ConfigErrc::unknown_attribute,
                        "unknown attribute '" + a.name.local + "'");
    } else if (is_ours(a.name.ns)) {
      return error_at(ctx, e, ConfigErrc::unknown_attribute,
                      "unknown attribute '" + a.name.qualified() + "'");
    }
    // Other namespaces: foreign attributes, allowed anywhere by the grammar.
  }
  return {};
}

namespace {

constexpr std::uint64_t int_max = 0x7fffffff;  // xsd:int's upper bound

// Reads one <configuration>. Each step returns an error or nothing; the first error wins.
class Reader {
 public:
  Reader(const ReaderContext& ctx) : ctx_(ctx) {}

  result<Configuration, ConfigError> read(const XmlElement& e) {
    if (auto r = check_attributes(ctx_, e, {"instance-name", "expiration", "sequence"}); !r)
      return r.error();
    if (auto r = read_attributes(e); !r) return r.error();
    if (!is_blank(e.text))
      return error_at(ctx_, e, ConfigErrc::bad_value, "text directly inside <configuration>");
    for (const auto& child : e.children)
      if (auto r = read_parameter(child); !r) return r.error();
    if (auto r = finish(); !r) return r.error();
    return std::move(c_);
  }

 private:
  ConfigError fail(const XmlElement& e, ConfigErrc code, std::string reason) const {
    return error_at(ctx_, e, code, std::move(reason));
  }
  void warn(const XmlElement& e, std::string reason) {
    ctx_.warnings.push_back(fail(e, ConfigErrc::bad_value, std::move(reason)));
  }

  // ---- attributes of <configuration> ----

  result<void, ConfigError> read_attributes(const XmlElement& e) {
    const auto* name = e.attribute("", "instance-name");
    if (!name) return fail(e, ConfigErrc::missing, "attribute instance-name is missing");
    auto n = trim(name->value);
    if (n.empty()) return fail(e, ConfigErrc::bad_value, "attribute instance-name is empty");
    if (std::any_of(n.begin(), n.end(), is_xml_space))
      return fail(e, ConfigErrc::bad_value, "attribute instance-name contains whitespace");
    c_.instance_name = std::string(n);

    if (const auto* seq = e.attribute("", "sequence")) {
      // "A monotonically increasing sequence number between 0 and 2^16-2."
      auto v = parse_unsigned(seq->value, 0, 0xfffe);
      if (!v) return fail(e, ConfigErrc::bad_value, "attribute sequence: " + v.error().reason);
      c_.sequence = static_cast<std::uint16_t>(*v);
    }
    if (const auto* exp = e.attribute("", "expiration")) {
      auto t = parse_date_time(exp->value);
      if (!t) return fail(e, ConfigErrc::bad_value, "attribute expiration: " + t.error().reason);
      c_.expiration = *t;
    }
    return {};
  }

  // ---- helpers for leaf elements ----

  // A leaf holds text only: no child elements, not even foreign ones.
  result<std::string_view, ConfigError> leaf_text(const XmlElement& e,
                                                  std::initializer_list<std::string_view> attrs = {}) {
    if (auto r = check_attributes(ctx_, e, attrs); !r) return r.error();
    if (!e.children.empty())
      return fail(e.children.front(), ConfigErrc::unknown_element,
                  "element not allowed inside <" + e.name.qualified() + ">");
    return trim(e.text);
  }

  result<void, ConfigError> singleton(const XmlElement& e) {
    if (!seen_.insert(e.name.ns + ' ' + e.name.local).second)
      return fail(e, ConfigErrc::duplicate, "given more than once");
    return {};
  }

  result<std::uint64_t, ConfigError> number(const XmlElement& e, std::uint64_t min,
                                            std::uint64_t max) {
    auto text = leaf_text(e);
    if (!text) return text.error();
    auto v = parse_unsigned(*text, min, max);
    if (!v) return fail(e, ConfigErrc::bad_value, v.error().reason);
    return *v;
  }

  result<bool, ConfigError> boolean(const XmlElement& e,
                                    std::initializer_list<std::string_view> attrs = {}) {
    auto text = leaf_text(e, attrs);
    if (!text) return text.error();
    auto v = parse_boolean(*text);
    if (!v) return fail(e, ConfigErrc::bad_value, v.error().reason);
    return *v;
  }

  result<std::string, ConfigError> nonempty_string(const XmlElement& e) {
    auto text = leaf_text(e);
    if (!text) return text.error();
    if (text->empty()) return fail(e, ConfigErrc::bad_value, "empty");
    return std::string(*text);
  }

  // ---- the parameters ----

  result<void, ConfigError> read_parameter(const XmlElement& e) {
    if (e.name.ns == ns_config_base) return read_base(e);
    if (e.name.ns == ns_config_chord) return read_chord(e);
    if (e.name.ns.empty())
      return fail(e, ConfigErrc::unknown_element,
                  "unknown element (no namespace; configuration elements are in " +
                      std::string(ns_config_base) + ")");
    return {};  // an extension's element: skipped (mandatory ones are checked in finish())
  }

  result<void, ConfigError> read_base(const XmlElement& e) {
    const auto& n = e.name.local;
    if (n == "topology-plugin") {
      if (auto r = singleton(e); !r) return r;
      auto v = nonempty_string(e);
      if (!v) return v.error();
      if (*v != chord_reload)
        return fail(e, ConfigErrc::bad_value,
                    "topology plug-in '" + *v + "' is not supported (only CHORD-RELOAD is)");
      c_.topology_plugin = *v;
      return {};
    }
    if (n == "node-id-length") {
      if (auto r = singleton(e); !r) return r;
      auto v = number(e, wire::NodeId::min_size, wire::NodeId::max_size);
      if (!v) return v.error();
      c_.node_id_length = static_cast<std::size_t>(*v);
      return {};
    }
    if (n == "root-cert") return read_root_cert(e);
    if (n == "enrollment-server") {
      auto v = nonempty_string(e);
      if (!v) return v.error();
      // "This URL MUST be of type https:" and needs a host.
      if (v->rfind("https://", 0) != 0 || v->size() == 8 || (*v)[8] == '/')
        return fail(e, ConfigErrc::bad_value, "'" + *v + "' is not an https: URL");
      c_.enrollment_servers.push_back(*v);
      return {};
    }
    if (n == "self-signed-permitted") {
      if (auto r = singleton(e); !r) return r;
      const auto* digest = e.attribute("", "digest");
      if (!digest) return fail(e, ConfigErrc::missing, "attribute digest is missing");
      auto d = trim(digest->value);
      if (d == "sha1") c_.self_signed_digest = wire::HashAlgorithm::sha1;
      else if (d == "sha256") c_.self_signed_digest = wire::HashAlgorithm::sha256;
      else
        return fail(e, ConfigErrc::bad_value,
                    "attribute digest: '" + std::string(d) + "' is not sha1 or sha256");
      auto v = boolean(e, {"digest"});
      if (!v) return v.error();
      c_.self_signed_permitted = *v;
      return {};
    }
    if (n == "bootstrap-node") return read_bootstrap_node(e);
    if (n == "no-ice") return set_boolean(e, c_.no_ice);
    if (n == "clients-permitted") return set_boolean(e, c_.clients_permitted);
    if (n == "shared-secret") {
      if (auto r = singleton(e); !r) return r;
      auto v = nonempty_string(e);
      if (!v) return v.error();
      c_.shared_secret = *v;
      return {};
    }
    if (n == "turn-density") {  // xsd:unsignedByte
      if (auto r = singleton(e); !r) return r;
      auto v = number(e, 0, 255);
      if (!v) return v.error();
      c_.turn_density = static_cast<std::uint8_t>(*v);
      return {};
    }
    if (n == "max-message-size") {  // xsd:unsignedInt
      if (auto r = singleton(e); !r) return r;
      auto v = number(e, 1, 0xffffffff);
      if (!v) return v.error();
      c_.max_message_size = static_cast<std::uint32_t>(*v);
      return {};
    }
    if (n == "initial-ttl") {  // the forwarding header's TTL is one byte
      if (auto r = singleton(e); !r) return r;
      auto v = number(e, 1, 255);
      if (!v) return v.error();
      c_.initial_ttl = static_cast<std::uint8_t>(*v);
      return {};
    }
    if (n == "overlay-reliability-timer") {  // "MUST be at least 200 milliseconds"
      if (auto r = singleton(e); !r) return r;
      auto v = number(e, 200, int_max);
      if (!v) return v.error();
      c_.overlay_reliability_timer = std::chrono::milliseconds(*v);
      return {};
    }
    if (n == "overlay-link-protocol") {
      auto v = nonempty_string(e);
      if (!v) return v.error();
      link_protocols_.push_back(*v);
      return {};
    }
    if (n == "mandatory-extension") {
      auto v = nonempty_string(e);
      if (!v) return v.error();
      // Case-sensitive, as namespaces are (section 11.1).
      const auto& supported = ctx_.options.supported_extensions;
      if (!is_ours(*v) && std::find(supported.begin(), supported.end(), *v) == supported.end())
        return fail(e, ConfigErrc::unknown_extension,
                    "this node does not support the mandatory extension '" + *v + "'");
      c_.mandatory_extensions.push_back(*v);
      return {};
    }
    if (n == "configuration-signer") return pend_node_id(e, c_.configuration_signers);
    if (n == "kind-signer") return pend_node_id(e, c_.kind_signers);
    if (n == "bad-node") return pend_node_id(e, c_.bad_nodes);
    if (n == "required-kinds") return read_required_kinds(e);
    return fail(e, ConfigErrc::unknown_element, "unknown element");
  }

  result<void, ConfigError> read_chord(const XmlElement& e) {
    const auto& n = e.name.local;
    if (n == "chord-ping-interval" || n == "chord-update-interval") {  // seconds, xsd:int
      if (auto r = singleton(e); !r) return r;
      auto v = number(e, 1, int_max);
      if (!v) return v.error();
      (n == "chord-ping-interval" ? c_.chord_ping_interval : c_.chord_update_interval) =
          std::chrono::seconds(*v);
      return {};
    }
    if (n == "chord-reactive") return set_boolean(e, c_.chord_reactive);
    return fail(e, ConfigErrc::unknown_element, "unknown element");
  }

  result<void, ConfigError> set_boolean(const XmlElement& e, bool& out) {
    if (auto r = singleton(e); !r) return r;
    auto v = boolean(e);
    if (!v) return v.error();
    out = *v;
    return {};
  }

  result<void, ConfigError> read_root_cert(const XmlElement& e) {
    auto text = leaf_text(e);
    if (!text) return text.error();
    auto der = decode_base64(*text);
    if (!der) return fail(e, ConfigErrc::bad_value, der.error().reason);
    auto cert = crypto::Certificate::from_der(*der);
    if (!cert) {
      std::string reason = "not a DER X.509 certificate (" + cert.error().message() + ")";
      if (!ctx_.options.tolerate_placeholders)
        return fail(e, ConfigErrc::bad_certificate, std::move(reason));
      ctx_.warnings.push_back(fail(e, ConfigErrc::bad_certificate, reason + "; left out"));
      return {};
    }
    c_.root_certs.push_back(*cert);
    return {};
  }

  result<void, ConfigError> read_bootstrap_node(const XmlElement& e) {
    auto text = leaf_text(e, {"address", "port"});
    if (!text) return text.error();
    if (!text->empty()) return fail(e, ConfigErrc::bad_value, "text inside <bootstrap-node>");
    const auto* address = e.attribute("", "address");
    if (!address) return fail(e, ConfigErrc::missing, "attribute address is missing");
    BootstrapNode node;
    node.address = std::string(trim(address->value));
    // "either IPv4 or IPv6, since they can be distinguished": a literal, never a host name
    // (no DNS at start-up for bootstrap).
    unsigned char buf[16];
    if (inet_pton(AF_INET, node.address.c_str(), buf) != 1 &&
        inet_pton(AF_INET6, node.address.c_str(), buf) != 1)
      return fail(e, ConfigErrc::bad_value,
                  "attribute address: '" + node.address + "' is not an IPv4 or IPv6 address");
    if (const auto* port = e.attribute("", "port")) {
      auto v = parse_unsigned(port->value, 1, 65535);
      if (!v) return fail(e, ConfigErrc::bad_value, "attribute port: " + v.error().reason);
      node.port = static_cast<std::uint16_t>(*v);
    }
    c_.bootstrap_nodes.push_back(std::move(node));
    return {};
  }

  // Node-IDs are checked against node-id-length, which may come later in the document.
  result<void, ConfigError> pend_node_id(const XmlElement& e, std::vector<wire::NodeId>& to) {
    auto text = leaf_text(e);
    if (!text) return text.error();
    pending_ids_.push_back({&e, std::string(*text), &to});
    return {};
  }

  // ---- required-kinds ----

  result<void, ConfigError> read_required_kinds(const XmlElement& e) {
    if (auto r = singleton(e); !r) return r;
    if (auto r = check_attributes(ctx_, e, {}); !r) return r;
    if (!is_blank(e.text)) return fail(e, ConfigErrc::bad_value, "text inside <required-kinds>");
    for (const auto& block : e.children) {
      if (!is_ours(block.name.ns) && !block.name.ns.empty()) continue;  // extension
      if (!block.name.is(ns_config_base, "kind-block"))
        return fail(block, ConfigErrc::unknown_element, "unknown element in <required-kinds>");
      if (auto r = read_kind_block(block); !r) return r;
    }
    return {};
  }

  result<void, ConfigError> read_kind_block(const XmlElement& block) {
    if (auto r = check_attributes(ctx_, block, {}); !r) return r;
    if (!is_blank(block.text)) return fail(block, ConfigErrc::bad_value, "text inside <kind-block>");
    const XmlElement* kind = nullptr;
    const XmlElement* signature = nullptr;
    for (const auto& child : block.children) {
      if (!is_ours(child.name.ns) && !child.name.ns.empty()) continue;
      const XmlElement** slot = child.name.is(ns_config_base, "kind")             ? &kind
                                : child.name.is(ns_config_base, "kind-signature") ? &signature
                                                                                  : nullptr;
      if (!slot) return fail(child, ConfigErrc::unknown_element, "unknown element in <kind-block>");
      if (*slot) return fail(child, ConfigErrc::duplicate, "given more than once in a <kind-block>");
      *slot = &child;
    }
    if (!kind) return fail(block, ConfigErrc::missing, "no <kind> in this <kind-block>");
    auto def = read_kind(*kind);
    if (!def) return def.error();
    if (signature) {
      auto text = leaf_text(*signature, {"algorithm"});
      if (!text) return text.error();
      auto bytes = decode_base64(*text);
      if (!bytes) return fail(*signature, ConfigErrc::bad_value, bytes.error().reason);
      def->signature = std::move(*bytes);
    }
    if (const auto* other = c_.find_kind(def->id))
      return fail(*kind, ConfigErrc::duplicate,
                  "Kind " + std::to_string(def->id) + " is already defined on line " +
                      std::to_string(other->line));
    c_.kinds.push_back(std::move(*def));
    return {};
  }

  result<KindDefinition, ConfigError> read_kind(const XmlElement& k) {
    if (auto r = check_attributes(ctx_, k, {"name", "id"}); !r) return r.error();
    if (!is_blank(k.text)) return fail(k, ConfigErrc::bad_value, "text inside <kind>");
    KindDefinition def;
    def.line = k.line;
    def.signed_text = std::string(ctx_.document.substr(k.begin, k.end - k.begin));
    const auto* name = k.attribute("", "name");
    const auto* id = k.attribute("", "id");
    const KnownKind* known = nullptr;
    const auto& table = ctx_.options.known_kinds;
    if (name && id) return fail(k, ConfigErrc::bad_value, "has both a name and an id attribute");
    if (!name && !id) return fail(k, ConfigErrc::missing, "needs a name or an id attribute");
    if (name) {
      auto n = trim(name->value);
      known = find_known_kind(table, n);
      if (!known)
        return fail(k, ConfigErrc::unknown_kind,
                    "unknown Kind name '" + std::string(n) + "' (give an id for a private Kind)");
      def.id = known->id;
      def.name = known->name;
    } else {
      auto v = parse_unsigned(id->value, 1, 0xffffffff);  // Kind-ID 0 is INVALID
      if (!v) return fail(k, ConfigErrc::bad_value, "attribute id: " + v.error().reason);
      def.id = static_cast<wire::KindId>(*v);
      known = find_known_kind(table, def.id);
      if (known) def.name = known->name;
    }

    std::set<std::string> seen;
    std::optional<wire::DataModel> model;
    std::optional<AccessControl> access;
    std::optional<std::uint64_t> max_count, max_size, max_node_multiple;
    for (const auto& p : k.children) {
      if (!is_ours(p.name.ns) && !p.name.ns.empty()) continue;  // kind extension
      if (p.name.ns != ns_config_base)
        return fail(p, ConfigErrc::unknown_element, "unknown element in <kind>");
      if (!seen.insert(p.name.local).second)
        return fail(p, ConfigErrc::duplicate, "given more than once in a <kind>");
      const auto& n = p.name.local;
      if (n == "data-model") {
        auto text = leaf_text(p);
        if (!text) return text.error();
        model = data_model_from_name(*text);
        if (!model)
          return fail(p, ConfigErrc::bad_value,
                      "'" + std::string(*text) + "' is not SINGLE, ARRAY or DICTIONARY");
      } else if (n == "access-control") {
        auto text = leaf_text(p);
        if (!text) return text.error();
        access = access_control_from_name(*text);
        if (!access)
          return fail(p, ConfigErrc::bad_value,
                      "'" + std::string(*text) +
                          "' is not USER-MATCH, NODE-MATCH, USER-NODE-MATCH or NODE-MULTIPLE");
      } else if (n == "max-count" || n == "max-size" || n == "max-node-multiple") {
        auto v = number(p, 1, int_max);  // xsd:int; 0 would make the Kind unusable
        if (!v) return v.error();
        (n == "max-count" ? max_count : n == "max-size" ? max_size : max_node_multiple) = *v;
      } else {
        return fail(p, ConfigErrc::unknown_element, "unknown element in <kind>");
      }
    }
    // "the kind element MUST contain" these four.
    if (!max_count) return fail(k, ConfigErrc::missing, "<max-count> is missing");
    if (!max_size) return fail(k, ConfigErrc::missing, "<max-size> is missing");
    if (!model) return fail(k, ConfigErrc::missing, "<data-model> is missing");
    if (!access) return fail(k, ConfigErrc::missing, "<access-control> is missing");
    if (*access == AccessControl::node_multiple && !max_node_multiple)
      return fail(k, ConfigErrc::missing, "NODE-MULTIPLE needs <max-node-multiple>");
    if (*access != AccessControl::node_multiple && max_node_multiple)
      return fail(k, ConfigErrc::bad_value, "<max-node-multiple> is only for NODE-MULTIPLE");
    if (*access == AccessControl::user_node_match && *model != wire::DataModel::dictionary)
      return fail(k, ConfigErrc::bad_value,
                  "USER-NODE-MATCH may be used only with DICTIONARY (RFC 6940 section 7.3.3)");

    def.data_model = *model;
    def.access_control = *access;
    def.max_count = static_cast<std::uint32_t>(*max_count);
    def.max_size = static_cast<std::uint32_t>(*max_size);
    def.max_node_multiple = max_node_multiple ? static_cast<std::uint32_t>(*max_node_multiple) : 0;

    if (known) {
      // "clients MUST ignore them in favor of the IANA versions" (section 11.1).
      if (def.data_model != known->data_model || def.access_control != known->access_control)
        warn(k, "the document says " + std::string(data_model_name(def.data_model)) + "/" +
                    std::string(access_control_name(def.access_control)) + " but " + known->name +
                    " is " + std::string(data_model_name(known->data_model)) + "/" +
                    std::string(access_control_name(known->access_control)) +
                    "; using its registration");
      def.data_model = known->data_model;
      def.access_control = known->access_control;
      if (known->access_control != AccessControl::node_multiple)
        def.max_node_multiple = 0;
      else if (!max_node_multiple || *access != AccessControl::node_multiple)
        def.max_node_multiple = known->max_node_multiple;
    }
    return def;
  }

  // ---- after the last child ----

  result<void, ConfigError> finish() {
    for (const auto& p : pending_ids_) {
      auto id = parse_node_id(p.text, c_.node_id_length);
      if (id) {
        p.to->push_back(*id);
        continue;
      }
      wire::Buffer raw;
      bool is_hex = wire::from_hex(trim(p.text), raw) && !raw.empty();
      if (!is_hex || !ctx_.options.tolerate_placeholders)
        return fail(*p.element, ConfigErrc::bad_value, id.error().reason);
      warn(*p.element, id.error().reason + "; left out");
    }
    if (!link_protocols_.empty()) c_.overlay_link_protocols = link_protocols_;
    warn_about_kinds_too_large();
    return {};
  }

  // Every message is at most max-message-size (section 11.1): a Kind whose single value
  // does not fit in a StoreReq can never be stored. Counted generously: the StoredData
  // around the value with an RSA-2048 signature, the message's header, certificate and
  // signature. (That max-count values need not fit in one FetchAns: a Fetch of them all is
  // answered Error_Response_Too_Large, and the fetching node asks for fewer.)
  void warn_about_kinds_too_large() {
    constexpr std::size_t around_value = 400, around_message = 2048;
    for (const auto& k : c_.kinds) {
      if (std::size_t{k.max_size} + around_value + around_message <= c_.max_message_size) continue;
      ctx_.warnings.push_back(ConfigError{
          ConfigErrc::bad_value, std::string(ctx_.source_name), k.line, "kind",
          fmt::format("Kind {}: a value of max-size {} cannot be stored in a message of max-message-size {}",
                      k.name.empty() ? std::to_string(k.id) : k.name, k.max_size, c_.max_message_size)});
    }
  }

  struct PendingId {
    const XmlElement* element;
    std::string text;
    std::vector<wire::NodeId>* to;
  };

  const ReaderContext& ctx_;
  Configuration c_;
  std::set<std::string> seen_;  // singletons met so far: "namespace local"
  std::vector<PendingId> pending_ids_;
  std::vector<std::string> link_protocols_;
};

}  // namespace

result<Configuration, ConfigError> read_configuration(const ReaderContext& ctx,
                                                      const XmlElement& e) {
  return Reader(ctx).read(e);
}

}  // namespace reload::config::detail
