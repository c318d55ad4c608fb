/*
 * libverify — shared declarations of the public API.
 *
 * Thread safety: every public function is thread-safe on distinct objects (each
 * header says what may also be shared); the library keeps no global mutable state but
 * the table of reader backends added at run time (vfy_sim_register), which is filled
 * lock-free and never emptied.
 *
 * Functions that can fail return a vfy_status and, when the caller passes a non-NULL
 * vfy_detail, say exactly where and why.
 */
#ifndef VERIFY_COMMON_H
#define VERIFY_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfy_limits.h"   /* not "limits.h": that name is the C library's */

#ifdef __cplusplus
extern "C" {
#endif

#if defined(VFY_BUILDING)
#define VFY_API __attribute__((visibility("default")))
#else
#define VFY_API
#endif

#define VFY_NODISCARD __attribute__((warn_unused_result))

/* The pointer arguments a call cannot do without: a caller's compiler warns when it
 * sees NULL passed to them. Empty while the library itself is built, so that its own
 * checks (VFY_E_INVALID_ARGUMENT for a NULL it is handed anyway) are never optimised
 * away on the strength of the promise. Arguments documented "may be NULL" are not
 * listed. */
#if defined(VFY_BUILDING)
#define VFY_NONNULL(...)
#else
#define VFY_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#endif

/* JSON serializers' flag: indented, one key a line; otherwise one line (JSON Lines). */
#define VFY_JSON_PRETTY 1u

/* Wipes and frees text the library returned to the caller (JSON, PEM ...): it may hold
 * personal data. Only for such NUL-terminated text. NULL is ignored. */
VFY_API void vfy_free(void *p);
/* Wipes and releases a secret the library returned in guarded memory (libsodium's
 * sodium_malloc: guard pages, never swapped): the secret key of vfy_rules_keygen. Never
 * pass it to vfy_free or free(), nor anything else to this. NULL is ignored. */
VFY_API void vfy_free_secret(char *secret);

#ifdef __cplusplus
}

/* Options structures lead with their size (the ABI check). In C they start as
 * { .size = sizeof(T) }; C++ gets the same, every other member zero, without
 * designated-initializer warnings: VFY_INSPECT_OPTIONS_INIT works in both. */
template <typename T> static inline T vfy_sized_init_()
{
    T value{};
    value.size = sizeof(T);
    return value;
}
#define VFY_SIZED_INIT_(type) (vfy_sized_init_<type>())
#else
#define VFY_SIZED_INIT_(type) { .size = sizeof(type) }
#endif

#endif
