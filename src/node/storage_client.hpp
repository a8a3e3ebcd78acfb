// Store, Fetch, Stat and Find as a node's user calls them (RFC 6940 sections 7.4.1 to
// 7.4.4), in the completion-token style of DESIGN.md principle 8: a callback,
// asio::use_awaitable or asio::use_future. The node signs every value it stores (section
// 7.1) and every request, and checks every value it fetches (section 7.4.2.2, see
// storage/fetched_values.hpp). A request names the peer that last answered for its Resource-ID
// when the node knows one (node/responsible_cache.hpp) and asks again by Resource-ID alone
// when that peer does not answer.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/result.hpp>

#include "node/overlay_node.hpp"
#include "wire/fetch.hpp"
#include "wire/find.hpp"
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
  wire::NodeId responder;  // the peer that stored
};

// An answer with the bytes its views point into, and the peer that gave it. Move it, never
// copy it.
template <class Answer>
struct Answered {
  wire::Buffer body;
  Answer answer;  // views into `body`
  wire::NodeId responder;
  // Fetch: values removed from `answer` because their signatures did not verify (RFC 6940
  // section 7.4.2.2); when not 0, the answer is partial.
  std::size_t discarded = 0;
  Answered() = default;
  Answered(Answered&&) = default;
  Answered& operator=(Answered&&) = default;
  Answered(const Answered&) = delete;
  Answered& operator=(const Answered&) = delete;
};
using FetchResult = Answered<wire::FetchAns>;
using StatResult = Answered<wire::StatAns>;
using FindResult = Answered<wire::FindAns>;

using StoreHandler = std::function<void(boost::system::result<StoreResult>)>;
using FetchHandler = std::function<void(boost::system::result<FetchResult>)>;
using StatHandler = std::function<void(boost::system::result<StatResult>)>;
using FindHandler = std::function<void(boost::system::result<FindResult>)>;

// Signs each value for (resource, kind) with the node's key, stamps storage_time now and the
// lifetime, and stores them with generation_counter 0 (no check).
void store(OverlayNode& node, const wire::ResourceId& resource, wire::KindId kind,
           const std::vector<wire::StoredDataValue>& values, std::chrono::seconds lifetime, StoreHandler done);
void fetch(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
           FetchHandler done);
// The metadata of the values Fetch would return: sizes, hashes, storage times (section 7.4.3).
void stat(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
          StatHandler done);
// Per Kind, the first Resource-ID the responsible peer stores at or after `resource` within
// its range, or a zero-length one when it stores none (section 7.4.4).
void find(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::KindId> kinds, FindHandler done);

namespace detail {

// Starts function(node, args..., completion) for any completion token (DESIGN.md principle
// 8). The handler runs on its associated executor (the node's when it has none), never
// inside the initiating call. A cancellation slot bound to it (asio::bind_cancellation_slot,
// an awaitable's cancellation) completes it at once with operation_aborted for a terminal
// or partial cancellation; the request itself may still take effect (a Store may be stored)
// and ends on its own within the request lifetime. The arguments are kept by value, since a
// deferred token starts the operation later.
template <class Result, class CompletionToken, class Function, class... Args>
auto async_request(CompletionToken&& token, Function function, OverlayNode& node, Args... args) {
  namespace asio = boost::asio;
  using Signature = void(boost::system::result<Result>);
  return asio::async_initiate<CompletionToken, Signature>(
      [function, &node, ... args = std::move(args)](auto handler) mutable {
        using Handler = decltype(handler);
        // Shared: std::function needs a copyable callable, Asio's handlers may be move-only,
        // and whichever of the answer and the cancellation comes first takes it.
        struct State {
          std::optional<Handler> handler;
          asio::executor_work_guard<asio::associated_executor_t<Handler, asio::any_io_executor>> work;
        };
        auto ex = asio::get_associated_executor(handler, node.executor());
        auto state = std::make_shared<State>(State{std::move(handler), asio::make_work_guard(ex)});
        // From the slot's own handler the slot must stay as it is: clearing it would destroy
        // the handler that is running.
        auto complete = [state](boost::system::result<Result> r, bool from_slot) {
          if (!state->handler) return;  // cancelled before
          if (!from_slot) asio::get_associated_cancellation_slot(*state->handler).clear();
          auto h = std::move(*state->handler);
          state->handler.reset();
          auto work = std::move(state->work);
          asio::post(work.get_executor(), [h = std::move(h), r = std::move(r)]() mutable { h(std::move(r)); });
        };
        auto slot = asio::get_associated_cancellation_slot(*state->handler);
        if (slot.is_connected()) {
          slot.assign([complete](asio::cancellation_type type) {
            if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial)) !=
                asio::cancellation_type::none)
              complete(boost::system::error_code(asio::error::operation_aborted), true);
          });
        }
        function(node, std::move(args)..., [complete](boost::system::result<Result> r) { complete(std::move(r), false); });
      },
      token);
}

}  // namespace detail

template <class CompletionToken>
auto async_store(OverlayNode& node, const wire::ResourceId& resource, wire::KindId kind,
                 std::vector<wire::StoredDataValue> values, std::chrono::seconds lifetime, CompletionToken&& token) {
  return detail::async_request<StoreResult>(std::forward<CompletionToken>(token), store, node, resource, kind,
                                            std::move(values), lifetime);
}

template <class CompletionToken>
auto async_fetch(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
                 CompletionToken&& token) {
  return detail::async_request<FetchResult>(std::forward<CompletionToken>(token), fetch, node, resource,
                                            std::move(specifiers));
}

template <class CompletionToken>
auto async_stat(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
                CompletionToken&& token) {
  return detail::async_request<StatResult>(std::forward<CompletionToken>(token), stat, node, resource,
                                           std::move(specifiers));
}

template <class CompletionToken>
auto async_find(OverlayNode& node, const wire::ResourceId& resource, std::vector<wire::KindId> kinds,
                CompletionToken&& token) {
  return detail::async_request<FindResult>(std::forward<CompletionToken>(token), find, node, resource,
                                           std::move(kinds));
}

}  // namespace reload::node
