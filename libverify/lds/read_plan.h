/*
 * Internal: which data groups a read asks the chip for (the one place that decides it).
 *
 * EF.COM is not signed: it is a hint. Every data group it lists is asked for, and so is
 * every data group EF.SOD lists that EF.COM forgot (a genuine chip serves all of them;
 * whether one that was not delivered matters is the inspection's judgement, read.files).
 * Without a usable EF.COM (none, or one that does not parse) every data group is asked
 * for. The chip layer hands the bytes it read and gets this plan back; it parses nothing.
 */
#ifndef VFY_LDS_READ_PLAN_H
#define VFY_LDS_READ_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lds_read_plan {
    bool read[17];      /* [1..16]: ask the chip for DGn */
    bool sod_only[17];  /* [1..16]: listed in EF.SOD but not in a usable EF.COM */
    bool com_usable;    /* EF.COM was given and parsed */
    bool sod_usable;    /* EF.SOD was given and its data-group list parsed */
} lds_read_plan;

/* com/sod may be NULL (not on the chip). Never fails: an unparsable file is a hint lost. */
void lds_read_plan_make(const uint8_t *com, size_t com_len, const uint8_t *sod, size_t sod_len,
                        lds_read_plan *out);

#endif
