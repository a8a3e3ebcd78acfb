// The enrollment server's HTTPS front: Boost.Beast over asio::ssl, one coroutine per
// connection, bounded headers and bodies, and a deadline on every read and write so a slow
// or silent client cannot hold a connection.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "enrollment_service.hpp"

namespace reload::enroll {

class HttpsServer {
 public:
  using Log = std::function<void(const std::string&)>;
  HttpsServer(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, EnrollmentService& service, Log log);
  boost::system::error_code listen(const boost::asio::ip::tcp::endpoint& at);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop();

 private:
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ssl::context& tls_;
  EnrollmentService& service_;
  Log log_;
};

}  // namespace reload::enroll
