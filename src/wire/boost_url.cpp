// Boost.URL is compiled here, once for the whole project (libboost1.81-dev ships it as
// sources, not as a library). src/wire uses it to read and write IP address text without
// the socket headers (DESIGN.md principle 1); no other file may include <boost/url/src.hpp>.
#include <boost/url/src.hpp>
