#include "transport/udp_demux.hpp"

#include <algorithm>
#include <deque>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/channel_wait.hpp"

namespace reload::transport {

using boost::system::error_code;
using asio::ip::udp;

namespace {
// The first byte of a DTLS record that carries a handshake message (RFC 6347 section 4.1).
constexpr std::uint8_t dtls_handshake_record = 22;
}  // namespace

struct UdpDemux::Flow {
  Flow(asio::any_io_executor ex, std::weak_ptr<UdpDemux> d, udp::endpoint from, std::uint64_t number)
      : wake(std::move(ex), asio::steady_timer::time_point::max()), demux(std::move(d)), peer(from), id(number) {}

  void fail(error_code ec) {
    if (!failed) failed = ec;
    wake.cancel();
  }

  asio::steady_timer wake;  // every wait sleeps on it; cancel() makes them look again
  std::weak_ptr<UdpDemux> demux;
  udp::endpoint peer;
  std::uint64_t id;
  std::deque<std::vector<std::uint8_t>> inbox;
  error_code failed;
  bool closed = false;
};

class UdpFlowChannel final : public ByteChannel {
 public:
  explicit UdpFlowChannel(std::shared_ptr<UdpDemux::Flow> flow) : f_(std::move(flow)) {}
  ~UdpFlowChannel() override { close(); }

  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    ec = {};
    if (f_->closed) {
      ec = asio::error::bad_descriptor;
    } else if (!f_->inbox.empty()) {
      // As a UDP socket does, a datagram longer than the buffer is cut to fit.
      const auto& front = f_->inbox.front();
      const std::size_t n = std::min(front.size(), into.size());
      std::copy_n(front.begin(), n, into.begin());
      f_->inbox.pop_front();
      return n;
    } else {
      ec = f_->failed ? f_->failed : error_code(asio::error::would_block);
    }
    return 0;
  }

  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    ec = {};
    auto demux = f_->demux.lock();
    if (f_->closed) ec = asio::error::bad_descriptor;
    else if (f_->failed) ec = f_->failed;
    else if (!demux) ec = asio::error::operation_aborted;
    if (ec) return 0;
    demux->socket_.send_to(asio::buffer(bytes.data(), bytes.size()), f_->peer, 0, ec);
    // A datagram the socket cannot take now is lost, as on the wire: the layer above
    // retransmits. Waiting instead would let one slow peer hold up every flow's writes.
    if (ec == asio::error::would_block || ec == asio::error::no_buffer_space) ec = {};
    return ec ? 0 : bytes.size();
  }

  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override {
    auto f = f_;
    return wait_until(f->wake, [f, what] {
      if (f->closed) return std::optional<error_code>(asio::error::operation_aborted);
      const bool ready = f->failed || what != asio::socket_base::wait_read || !f->inbox.empty();
      return ready ? std::optional<error_code>(error_code{}) : std::nullopt;
    });
  }

  void close() noexcept override {
    if (f_->closed) return;
    f_->closed = true;
    f_->inbox.clear();
    f_->wake.cancel();
    if (auto demux = f_->demux.lock()) demux->forget(*f_);
  }

  bool is_open() const noexcept override { return !f_->closed; }
  bool datagrams() const noexcept override { return true; }
  asio::any_io_executor get_executor() noexcept override { return f_->wake.get_executor(); }

 private:
  std::shared_ptr<UdpDemux::Flow> f_;
};

UdpDemux::UdpDemux(asio::any_io_executor ex, UdpDemuxLimits limits) : socket_(std::move(ex)), limits_(limits) {}

UdpDemux::~UdpDemux() = default;

error_code UdpDemux::open(const udp::endpoint& at) {
  error_code ec;
  socket_.open(at.protocol(), ec);
  if (!ec) socket_.bind(at, ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) socket_.close();
  return ec;
}

void UdpDemux::start(OnFlow on_flow) {
  on_flow_ = std::move(on_flow);
  asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->receive_loop(); },
                 asio::detached);
}

void UdpDemux::stop() {
  error_code ignored;
  socket_.close(ignored);
  for (auto& [from, flow] : flows_) flow->fail(asio::error::operation_aborted);
  flows_.clear();
  // The handler usually holds its owner: let go of it later, since stop() may run inside it.
  asio::post(socket_.get_executor(), [dropped = std::move(on_flow_)] {});
  on_flow_ = nullptr;
}

void UdpDemux::abort(std::uint64_t id) {
  auto it = std::find_if(flows_.begin(), flows_.end(), [id](const auto& f) { return f.second->id == id; });
  if (it != flows_.end()) it->second->fail(asio::error::operation_aborted);
}

udp::endpoint UdpDemux::local_endpoint() const {
  error_code ec;
  return socket_.local_endpoint(ec);
}

void UdpDemux::forget(const Flow& flow) {
  auto it = flows_.find(flow.peer);
  if (it != flows_.end() && it->second.get() == &flow) flows_.erase(it);
}

asio::awaitable<void> UdpDemux::receive_loop() {
  auto self = shared_from_this();
  std::vector<std::uint8_t> buffer(64 * 1024);
  while (socket_.is_open()) {
    udp::endpoint from;
    error_code ec;
    const std::size_t n = co_await socket_.async_receive_from(asio::buffer(buffer), from,
                                                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !socket_.is_open()) co_return;
      continue;  // an ICMP error for some earlier send: nothing to do with the next datagram
    }
    std::span<const std::uint8_t> datagram(buffer.data(), n);
    if (auto known = flows_.find(from); known != flows_.end()) {
      auto& flow = *known->second;
      if (flow.inbox.size() >= limits_.max_unread || flow.failed) {
        ++dropped_;
        continue;
      }
      flow.inbox.emplace_back(datagram.begin(), datagram.end());
      flow.wake.cancel();
      continue;
    }
    if (!on_flow_ || datagram.empty() || datagram.front() != dtls_handshake_record ||
        flows_.size() >= limits_.max_flows) {
      ++dropped_;
      continue;
    }
    auto flow = std::make_shared<Flow>(socket_.get_executor(), weak_from_this(), from, next_id_++);
    flow->inbox.emplace_back(datagram.begin(), datagram.end());
    flows_.emplace(from, flow);
    on_flow_(std::make_unique<UdpFlowChannel>(flow), flow->id, from);
  }
}

}  // namespace reload::transport
