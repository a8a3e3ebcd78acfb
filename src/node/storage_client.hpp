// Store and Fetch as a node's user calls them (RFC 6940 sections 7.4.1 and 7.4.2), in the
// completion-token style of DESIGN.md principle 8: a callback, asio::use_awaitable or
// asio::use_future. The node signs every value it stores (section 7.1) and the StoreReq.
#pragma once

#include <chrono>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/system/result.hpp>

#include "node/overlay_node.hpp"
#include "wire/fetch.hpp"
#include "wire/store.hpp"

namespace reload::node {

// What a Store answered: per Kind, the new generation counter and the replicas.
struct StoreResult {
  struct Kind {
    wire::KindId kind = 0;
    std::uint64_t generation = 0;
    std::vector<wire::NodeId> replicas;
  };
  std::vector<Kind> kinds;
};

// A FetchAns with the bytes its views point into. Move it, never copy it.
struct FetchResult {
  wire::Buffer body;
  wire::FetchAns answer;  // views into `body`
  FetchResult() = default;
  FetchResult(FetchResult&&) = default;
  FetchResult& operator=(FetchResult&&) = default;
  FetchResult(const FetchResult&) = delete;
  FetchResult& operator=(const FetchResult&) = delete;
};

using StoreHandler = std::function<void(boost::system::result<StoreResult>)>;
using FetchHandler = std::function<void(boost::system::result<FetchResult>)>;

// Signs each value for (resource, kind) with the node's key, stamps storage_time now and the
// lifetime, and stores them with generation_counter 0 (no check).
void store(OverlayNode& node, const wire::ResourceId& resource, wire::KindId kind,
           const std::vector<wire::StoredDataValue>& values, std::chrono::seconds lifetime, StoreHandler done);
void fetch(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
           FetchHandler done);

template <class CompletionToken>
auto async_store(OverlayNode& node, const wire::ResourceId& resource, wire::KindId kind,
                 const std::vector<wire::StoredDataValue>& values, std::chrono::seconds lifetime,
                 CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(boost::system::result<StoreResult>)>(
      [&](auto handler) {
        store(node, resource, kind, values, lifetime,
              [h = std::make_shared<decltype(handler)>(std::move(handler))](auto r) { (*h)(std::move(r)); });
      },
      token);
}

template <class CompletionToken>
auto async_fetch(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
                 CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(boost::system::result<FetchResult>)>(
      [&](auto handler) {
        fetch(node, resource, std::move(specifiers),
              [h = std::make_shared<decltype(handler)>(std::move(handler))](auto r) { (*h)(std::move(r)); });
      },
      token);
}

}  // namespace reload::node
