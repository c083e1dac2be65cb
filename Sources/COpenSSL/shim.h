#ifndef GATEWAY_COPENSSL_SHIM_H
#define GATEWAY_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

// Macros and type-generic stack helpers that Swift does not import.
static inline void gateway_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

static inline STACK_OF(X509) *gateway_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int gateway_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
static inline int gateway_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *gateway_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline void gateway_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }
static inline void gateway_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

static inline int gateway_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *stack) { return sk_X509_REVOKED_num(stack); }
static inline X509_REVOKED *gateway_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *stack, int index) { return sk_X509_REVOKED_value(stack, index); }

static inline int gateway_sk_X509_INFO_num(const STACK_OF(X509_INFO) *stack) { return sk_X509_INFO_num(stack); }
static inline X509_INFO *gateway_sk_X509_INFO_value(const STACK_OF(X509_INFO) *stack, int index) { return sk_X509_INFO_value(stack, index); }
static inline void gateway_sk_X509_INFO_pop_free(STACK_OF(X509_INFO) *stack) { sk_X509_INFO_pop_free(stack, X509_INFO_free); }

// RFC 2253 order and escaping, but UTF-8 kept as UTF-8: subjects carry Vietnamese names.
static inline unsigned long gateway_name_print_flags(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

static inline int gateway_BIO_get_mem_data(BIO *bio, char **data) { return (int)BIO_get_mem_data(bio, data); }

static inline int gateway_EVP_PKEY_CTX_set_rsa_pss_saltlen(EVP_PKEY_CTX *context, int length) {
    return EVP_PKEY_CTX_set_rsa_pss_saltlen(context, length);
}

#endif
