#ifndef GATEWAY_CXMLSEC_SHIM_H
#define GATEWAY_CXMLSEC_SHIM_H

// SwiftPM drops the -D flags that `pkg-config --cflags xmlsec1-openssl` prints. Without them
// crypto.h stops ("No crypto library defined") and, worse, xmlSecSize becomes size_t, so Swift
// would lay out xmlSecDSigCtx differently from the library. They must come before any include.
#define XMLSEC_NO_SIZE_T
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define __XMLSEC_FUNCTION__ __func__

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysdata.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

// String constants that Swift sees only as C arrays of unknown size.
static inline const xmlChar *gateway_xmlSecNodeSignature(void) { return xmlSecNodeSignature; }
static inline const xmlChar *gateway_xmlSecDSigNs(void) { return xmlSecDSigNs; }

// Checks, at run time, that the headers we compiled against match the loaded library.
static inline int gateway_xmlSecCheckVersion(void) {
    return xmlSecCheckVersionExt(XMLSEC_VERSION_MAJOR, XMLSEC_VERSION_MINOR, XMLSEC_VERSION_SUBMINOR,
                                 xmlSecCheckVersionABICompatible);
}

static inline size_t gateway_xmlSecDSigCtxSize(void) { return sizeof(xmlSecDSigCtx); }

#endif
