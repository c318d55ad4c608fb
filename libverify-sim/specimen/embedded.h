/*
 * Internal to libverify-sim: files compiled into the simulator library from data/embed/
 * (see mk/embed.sh): the built-in specimen passport of the simulated chip, with its
 * chip's private keys, which is why they are never in the product library.
 */
#ifndef VFY_SIM_EMBEDDED_H
#define VFY_SIM_EMBEDDED_H

#include <stddef.h>

struct vfy_embedded_file {
    const char *name;           /* path relative to data/embed/, e.g. "specimen/DG1.bin" */
    const unsigned char *data;
    size_t len;
};

/* The file of that name, or NULL. */
const struct vfy_embedded_file *vfy_embedded_find(const char *name);

#endif
