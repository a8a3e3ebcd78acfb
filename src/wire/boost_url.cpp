// Boost.URL is compiled here, once for the whole project (libboost1.81-dev ships it as
// sources, not as a library). src/wire uses it to read and write IP address text without
// the socket headers (DESIGN.md principle 1); no other file may include <boost/url/src.hpp>.
//
// Boost 1.81's url_base.ipp includes <iostream> without using it. With g++ 12 that puts a
// static std::ios_base::Init here, which builds the C++ locale and the standard streams
// at start-up: about half a MiB of resident code in every process. Its include guard is
// set so that only <istream> and <ostream>, which Boost.URL does use, come in.
#include <istream>
#include <ostream>
#define _GLIBCXX_IOSTREAM 1
#include <boost/url/src.hpp>
