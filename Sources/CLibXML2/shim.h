#ifndef SUPPORTKIT_CLIBXML2_SHIM_H
#define SUPPORTKIT_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Foundation's ICU module clashes with libxml2's ICU declarations when both are visible to one target.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#endif
