#ifndef GATEWAY_COPENSSL_SHIM_H
#define GATEWAY_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/ts.h>
#include <string.h>

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

// Where a certificate says its revocation status is published: the first OCSP responder of its
// Authority Information Access, the first URI of its CRL Distribution Points. Each copies the
// address into `buffer` and returns its length (0 when there is none or it does not fit).
static inline int gateway_first_ocsp_url(X509 *certificate, char *buffer, int capacity) {
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(certificate);
    int length = 0;
    if (urls && sk_OPENSSL_STRING_num(urls) > 0) {
        const char *url = sk_OPENSSL_STRING_value(urls, 0);
        size_t size = strlen(url);
        if (size < (size_t)capacity) { memcpy(buffer, url, size); length = (int)size; }
    }
    X509_email_free(urls);
    return length;
}

static inline int gateway_first_crl_url(X509 *certificate, char *buffer, int capacity) {
    STACK_OF(DIST_POINT) *points = X509_get_ext_d2i(certificate, NID_crl_distribution_points, NULL, NULL);
    int length = 0;
    for (int i = 0; points && i < sk_DIST_POINT_num(points) && length == 0; i++) {
        DIST_POINT *point = sk_DIST_POINT_value(points, i);
        if (!point->distpoint || point->distpoint->type != 0) continue;
        GENERAL_NAMES *names = point->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); j++) {
            int type = 0;
            ASN1_STRING *value = GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(names, j), &type);
            if (type != GEN_URI) continue;
            int size = ASN1_STRING_length(value);
            if (size < capacity) { memcpy(buffer, ASN1_STRING_get0_data(value), (size_t)size); length = size; }
            break;
        }
    }
    CRL_DIST_POINTS_free(points);
    return length;
}

// Keys in a PKCS#11 token through OpenSSL's engine of that name (Debian's libengine-pkcs11-openssl,
// libp11). Engines are deprecated in OpenSSL 3 but are what libxmlsec1 1.2 and Debian ship for
// tokens; the calls are kept here, in one place. The engine stays initialised for the process:
// its keys need it for as long as they sign.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
static inline ENGINE *gateway_pkcs11_engine(const char *module_path) {
    ENGINE *engine = ENGINE_by_id("pkcs11");
    if (!engine) return NULL;
    if (module_path && !ENGINE_ctrl_cmd_string(engine, "MODULE_PATH", module_path, 0)) { ENGINE_free(engine); return NULL; }
    if (!ENGINE_init(engine)) { ENGINE_free(engine); return NULL; }
    return engine;
}

static inline EVP_PKEY *gateway_pkcs11_private_key(ENGINE *engine, const char *uri, const char *pin) {
    if (pin && !ENGINE_ctrl_cmd_string(engine, "PIN", pin, 0)) return NULL;
    return ENGINE_load_private_key(engine, uri, NULL, NULL);
}
#pragma clang diagnostic pop

#endif
