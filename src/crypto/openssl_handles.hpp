// Owners of OpenSSL objects: std::unique_ptr with the matching free function, so no caller
// ever frees by hand. Only src/crypto (and the TLS glue in src/transport) include this.
#pragma once

#include <memory>
#include <string>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "wire/bytes.hpp"

namespace reload::crypto {

template <class T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const noexcept { Free(p); }
};

template <class T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using PkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509ReqPtr = OpenSslPtr<X509_REQ, X509_REQ_free>;
using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using GeneralNamesPtr = OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1TypePtr = OpenSslPtr<ASN1_TYPE, ASN1_TYPE_free>;
using Asn1StringPtr = OpenSslPtr<ASN1_STRING, ASN1_STRING_free>;
using GeneralNamePtr = OpenSslPtr<GENERAL_NAME, GENERAL_NAME_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using X509ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;

// The DER of an OpenSSL object through its i2d function, written straight into a Buffer
// (two passes: length, then bytes), so no OpenSSL-allocated buffer needs freeing. Empty
// when the object does not encode.
template <class T>
wire::Buffer to_der(const T* object, int (*i2d)(const T*, unsigned char**)) {
  int n = object ? i2d(object, nullptr) : 0;
  if (n <= 0) return {};
  wire::Buffer out(static_cast<std::size_t>(n));
  unsigned char* p = out.data();
  if (i2d(object, &p) != n) return {};
  return out;
}

// What a memory BIO holds, as text (PEM, printed names).
inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = bio ? BIO_get_mem_data(bio, &data) : 0;
  return n > 0 && data ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace reload::crypto
