#ifndef GATEWAY_CLIBXML2_SHIM_H
#define GATEWAY_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU, whose types clash with Foundation's own ICU module.
// Nothing here needs ICU, so its declarations are kept out (identically in CXMLSec).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/c14n.h>
#include <libxml/xmlsave.h>
#include <libxml/SAX2.h>
#include <libxml/uri.h>

// `xmlFree` is a global function pointer, which Swift 6 refuses as shared mutable state.
static inline void gateway_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
