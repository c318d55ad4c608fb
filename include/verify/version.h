/* libverify — version of the headers and of the library actually linked.
 * Thread safety: constants and static text; safe from any thread. */
#ifndef VERIFY_VERSION_H
#define VERIFY_VERSION_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VFY_VERSION_MAJOR 0
#define VFY_VERSION_MINOR 1
#define VFY_VERSION_PATCH 0
#define VFY_VERSION_STRING "0.1.0"
#define VFY_VERSION_NUMBER \
    ((VFY_VERSION_MAJOR << 16) | (VFY_VERSION_MINOR << 8) | VFY_VERSION_PATCH)

/* The version of the library at run time, as "MAJOR.MINOR.PATCH". */
VFY_API const char *vfy_version(void);
/* The same as VFY_VERSION_NUMBER of the library at run time. */
VFY_API unsigned vfy_version_number(void);

#ifdef __cplusplus
}
#endif

#endif
