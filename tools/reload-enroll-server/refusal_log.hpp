// Log lines for refusals (a connection over its share, a login over its limit), at most one
// line per interval: a client can make the server refuse thousands of connections a second,
// and a line for each would let it fill the disk and drown everything else in the log
// (issue 14). The first refusal after a quiet interval is logged at once, with the client;
// those that follow within the interval are counted by reason and summed up in one line
// when it ends, naming the client refused last.
//
// Not thread-safe: used on the server's I/O thread only. The timer holds the object alive
// until the io_context runs it or is destroyed.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace reload::enroll {

class RefusalLog : public std::enable_shared_from_this<RefusalLog> {
 public:
  using Log = std::function<void(const std::string&)>;

  static std::shared_ptr<RefusalLog> make(boost::asio::any_io_executor ex, Log log,
                                          std::chrono::milliseconds interval = std::chrono::seconds(1));

  // `reason` is a fixed phrase (lines count by it); `who` is the client's address and port.
  void refused(const std::string& reason, const std::string& who);

 private:
  RefusalLog(boost::asio::any_io_executor ex, Log log, std::chrono::milliseconds interval)
      : timer_(ex), log_(std::move(log)), interval_(interval) {}
  void arm();
  void flush();

  boost::asio::steady_timer timer_;
  Log log_;
  std::chrono::milliseconds interval_;
  bool armed_ = false;
  std::map<std::string, std::size_t> counts_;
  std::string last_;
};

}  // namespace reload::enroll
