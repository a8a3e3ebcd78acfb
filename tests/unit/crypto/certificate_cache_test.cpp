#include "crypto/certificate_cache.hpp"

#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;
using Clock = CertificateCache::Clock;

TEST_CASE("verified certificates are kept by hash; failures are not") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  auto other = make_leaf(make_ca(), alice());
  CertificateCache cache{TrustStore(policy_for(ca))};
  CHECK_FALSE(cache.find(leaf.cert.sha256()).has_value());
  CHECK(cache.verified(leaf.cert.der()).value() == leaf.cert);
  CHECK(cache.find(leaf.cert.sha256()).value() == leaf.cert);
  CHECK(cache.verified(other.cert.der()).error() == crypto_errc::untrusted);
  CHECK(cache.verified(other.cert.der()).error() == crypto_errc::untrusted);  // still refused
  CHECK_FALSE(cache.find(other.cert.sha256()).has_value());
  std::vector<std::uint8_t> junk{0x30, 0x00};
  CHECK(cache.verified(junk).error() == crypto_errc::bad_encoding);
  CHECK(cache.size() == 1);
}

TEST_CASE("a second look-up does not verify again") {
  // The leaf chains to the root only through its intermediate. Once verified with it, the
  // cache answers without it: the chain was not walked a second time.
  auto root = make_ca(KeyType::ecdsa_p256, "Root");
  auto sub = root.make_subordinate("Intermediate", KeyType::ecdsa_p256, 24h * 30).value();
  auto leaf = make_leaf(sub, alice());
  CertificateCache cache{TrustStore(policy_for(root))};
  CHECK(cache.verified(leaf.cert.der()).error() == crypto_errc::untrusted);
  std::vector<Certificate> chain{sub.certificate()};
  CHECK(cache.verified(leaf.cert.der(), Clock::now(), chain).has_value());
  CHECK(cache.verified(leaf.cert.der()).value() == leaf.cert);
  CHECK(cache.find(leaf.cert.sha256()).has_value());
  CHECK_FALSE(cache.find(sub.certificate().sha256()).has_value());  // intermediates are not peers
}

TEST_CASE("a cached certificate is still checked against its validity period") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice(), KeyType::ecdsa_p256, 24h);
  CertificateCache cache{TrustStore(policy_for(ca))};
  REQUIRE(cache.verified(leaf.cert.der()).has_value());
  CHECK(cache.verified(leaf.cert.der(), Clock::now() + 25h).error() == crypto_errc::expired);
  CHECK(cache.verified(leaf.cert.der(), leaf.cert.not_before() - 1s).error() == crypto_errc::not_yet_valid);
  CHECK(cache.verified(leaf.cert.der(), leaf.cert.not_after()).has_value());  // the last valid second
  // An expired answer does not evict: the entry is still good for `now`.
  CHECK(cache.verified(leaf.cert.der()).has_value());
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
  cache.insert(c.cert);  // inserting again neither grows nor evicts
  CHECK(cache.size() == 2);
  CHECK(cache.find(a.cert.sha256()).has_value());

  // verified() counts as a use as well, and a bounded cache never grows past its bound.
  CHECK(cache.verified(b.cert.der()).has_value());
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.find(c.cert.sha256()).has_value());  // c was the least recent
  CertificateCache tiny{TrustStore(policy_for(ca)), 0};  // a capacity of 0 means 1
  tiny.insert(a.cert);
  tiny.insert(b.cert);
  CHECK(tiny.size() == 1);
  CHECK(tiny.find(b.cert.sha256()).has_value());
}
