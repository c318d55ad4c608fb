/*
 * Internal: files compiled into the library from data/embed/ (see mk/embed.sh),
 * such as the built-in specimen passport of the simulated chip.
 */
#ifndef VFY_CORE_EMBEDDED_H
#define VFY_CORE_EMBEDDED_H

#include <stddef.h>

struct vfy_embedded_file {
    const char *name;           /* path relative to data/embed/, e.g. "specimen/DG1.bin" */
    const unsigned char *data;
    size_t len;
};

/* The file of that name, or NULL. */
const struct vfy_embedded_file *vfy_embedded_find(const char *name);

#endif
