/* Internal: the document container's parts that are not public API. */
#ifndef VFY_DOCUMENT_INTERNAL_H
#define VFY_DOCUMENT_INTERNAL_H

#include "verify/document.h"

/* Zeroes every file's bytes in place (sodium_memzero), keeping lengths and presence;
 * vfy_document_free calls it before freeing. Separate so a test can see the wipe. */
void document_wipe(vfy_document *doc);

#endif
