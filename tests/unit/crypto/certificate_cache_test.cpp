#include "crypto/certificate_cache.hpp"

#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;

TEST_CASE("verified certificates are kept by hash; failures are not") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  auto other = make_leaf(make_ca(), alice());
  CertificateCache cache{TrustStore(policy_for(ca))};
  CHECK_FALSE(cache.find(leaf.cert.sha256()).has_value());
  CHECK(cache.verified(leaf.cert.der()).has_value());
  CHECK(cache.find(leaf.cert.sha256()).has_value());
  CHECK(cache.verified(other.cert.der()).error() == crypto_errc::untrusted);
  CHECK(cache.size() == 1);
  // A cached certificate is still checked against its validity period.
  CHECK(cache.verified(leaf.cert.der(), CertificateCache::Clock::now() + 24h * 40).error() == crypto_errc::expired);
}

TEST_CASE("the least recently used certificate leaves first") {
  auto ca = make_ca();
  CertificateCache cache{TrustStore(policy_for(ca)), 2};
  auto a = make_leaf(ca, alice()), b = make_leaf(ca, alice()), c = make_leaf(ca, alice());
  cache.insert(a.cert);
  cache.insert(b.cert);
  CHECK(cache.find(a.cert.sha256()).has_value());  // a is now the most recent
  cache.insert(c.cert);
  CHECK(cache.size() == 2);
  CHECK(cache.find(a.cert.sha256()).has_value());
  CHECK_FALSE(cache.find(b.cert.sha256()).has_value());
  CHECK(cache.find(c.cert.sha256()).has_value());
}
