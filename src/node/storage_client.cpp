#include "node/storage_client.hpp"

#include "wire/codec.hpp"

namespace reload::node {

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
  wire::StoreReq req{resource, 0, {std::move(kind_data)}};
  auto body = wire::encode_to_buffer(req);
  if (!body) return done(body.error());
  node.request({resource}, wire::MessageCode::store_req, *body,
               [done = std::move(done), &node](boost::system::result<Response> r) {
                 if (!r) return done(r.error());
                 auto ans = wire::decode_exact<wire::StoreAns>(r->message->contents.message_body,
                                                               node.codec_context());
                 if (!ans) return done(ans.error());
                 StoreResult out;
                 for (const auto& k : ans->kind_responses) out.kinds.push_back({k.kind, k.generation_counter, k.replicas});
                 done(std::move(out));
               });
}

void fetch(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
           FetchHandler done) {
  wire::FetchReq req{resource, std::move(specifiers)};
  auto body = wire::encode_to_buffer(req);
  if (!body) return done(body.error());
  node.request({resource}, wire::MessageCode::fetch_req, *body,
               [done = std::move(done), &node](boost::system::result<Response> r) {
                 if (!r) return done(r.error());
                 FetchResult out;
                 const auto b = r->message->contents.message_body;
                 out.body.assign(b.begin(), b.end());
                 auto ans = wire::decode_exact<wire::FetchAns>(out.body, node.codec_context());
                 if (!ans) return done(ans.error());
                 out.answer = std::move(*ans);
                 done(std::move(out));
               });
}

}  // namespace reload::node
