#include "node/storage_client.hpp"

#include <type_traits>

#include "storage/fetched_values.hpp"
#include "wire/codec.hpp"

namespace reload::node {

namespace {

// Who answered is worth remembering unless it is this node itself.
ResponseHandler learning(OverlayNode& node, const wire::ResourceId& resource, ResponseHandler done) {
  return [&node, resource, done = std::move(done)](boost::system::result<Response> r) {
    if (r && !r->sender.empty() && r->sender != node.self())
      node.responsible_peers().learn(resource, r->sender, Clock::now());
    done(std::move(r));
  };
}

// An RFC error answer comes from whichever peer holds the range now, so it stands. No
// answer, or no way to send, may mean the named peer has left.
bool may_be_departed(const boost::system::error_code& ec) {
  return ec.category() != reload_category() || ec == errc::request_timeout;
}

// Sends a storage request for `resource` (see the header) and learns who answered.
void request_for(OverlayNode& node, const wire::ResourceId& resource, wire::MessageCode code, wire::Buffer body,
                 ResponseHandler done) {
  auto named = node.responsible_peers().lookup(resource, Clock::now());
  if (!named) {
    node.request({resource}, code, body, learning(node, resource, std::move(done)));
    return;
  }
  auto owned = std::make_shared<const wire::Buffer>(std::move(body));
  // One transmission: a departed peer costs one overlay-reliability-timer, not the five
  // transmissions' 93 s, before the request is asked again by Resource-ID alone.
  node.request({*named, resource}, code, *owned,
               [&node, resource, code, owned, done = std::move(done)](boost::system::result<Response> r) mutable {
                 if (r || !may_be_departed(r.error())) return learning(node, resource, std::move(done))(std::move(r));
                 node.responsible_peers().forget(resource);
                 node.request({resource}, code, *owned, learning(node, resource, std::move(done)));
               },
               RequestOptions{{}, 1});
}

// Sends `req` for `resource` and decodes the answer into an Answered<Answer>.
template <class Answer, class Request>
void ask(OverlayNode& node, const wire::ResourceId& resource, wire::MessageCode code, const Request& req,
         std::function<void(boost::system::result<Answered<Answer>>)> done) {
  auto body = wire::encode_to_buffer(req);
  if (!body) return done(body.error());
  request_for(node, resource, code, std::move(*body),
              [done = std::move(done), &node, resource](boost::system::result<Response> r) {
                if (!r) return done(r.error());
                Answered<Answer> out;
                const auto b = r->message->contents.message_body;
                out.body.assign(b.begin(), b.end());
                auto ans = wire::decode_exact<Answer>(out.body, node.codec_context());
                if (!ans) return done(ans.error());
                out.answer = std::move(*ans);
                out.responder = r->sender;
                if constexpr (std::is_same_v<Answer, wire::FetchAns>)
                  out.discarded = storage::drop_unverified_values(out.answer, resource, r->message->security.certificates,
                                                                  node.certificate_cache());
                done(std::move(out));
              });
}

}  // namespace

void store(OverlayNode& node, const wire::ResourceId& resource, wire::KindId kind,
           const std::vector<wire::StoredDataValue>& values, std::chrono::seconds lifetime, StoreHandler done) {
  const auto storage_time = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::vector<crypto::OwnedSignature> signatures;  // the StoredData views point into these
  signatures.reserve(values.size());
  wire::StoreKindData kind_data;
  kind_data.kind = kind;
  for (const auto& v : values) {
    auto sig = node.signer().sign_stored_data(resource, kind, storage_time, v);
    if (!sig) return done(sig.error());
    signatures.push_back(std::move(*sig));
    kind_data.values.push_back(wire::StoredData{storage_time, static_cast<std::uint32_t>(lifetime.count()), v,
                                                signatures.back().view()});
  }
  ask<wire::StoreAns>(node, resource, wire::MessageCode::store_req, wire::StoreReq{resource, 0, {std::move(kind_data)}},
                      [done = std::move(done)](boost::system::result<Answered<wire::StoreAns>> r) {
                        if (!r) return done(r.error());
                        StoreResult out;
                        for (const auto& k : r->answer.kind_responses)
                          out.kinds.push_back({k.kind, k.generation_counter, k.replicas});
                        out.responder = r->responder;
                        done(std::move(out));
                      });
}

void fetch(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
           FetchHandler done) {
  ask<wire::FetchAns>(node, resource, wire::MessageCode::fetch_req, wire::FetchReq{resource, std::move(specifiers)},
                      std::move(done));
}

void stat(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
          StatHandler done) {
  ask<wire::StatAns>(node, resource, wire::MessageCode::stat_req, wire::StatReq{resource, std::move(specifiers)},
                     std::move(done));
}

void find(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::KindId> kinds, FindHandler done) {
  ask<wire::FindAns>(node, resource, wire::MessageCode::find_req, wire::FindReq{resource, std::move(kinds)},
                     std::move(done));
}

}  // namespace reload::node
