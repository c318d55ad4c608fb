/* The data groups a read asks for: EF.COM's list, completed by EF.SOD's (see read_plan.h). */
#include <stdlib.h>
#include <string.h>

#include "lds/read_plan.h"
#include "verify/document.h"
#include "verify/lds.h"

void lds_read_plan_make(const uint8_t *com, size_t com_len, const uint8_t *sod, size_t sod_len,
                        lds_read_plan *out)
{
    memset(out, 0, sizeof *out);
    vfy_lds_com c;
    if (com != NULL && vfy_lds_parse_com(com, com_len, &c, NULL) == VFY_OK) {
        out->com_usable = true;
        for (unsigned i = 0; i < c.tag_count; i++) {
            unsigned dg = vfy_file_dg_from_tag(c.tags[i]);
            if (dg >= 1 && dg <= 16)
                out->read[dg] = true;
        }
    } else {
        for (unsigned dg = 1; dg <= 16; dg++)
            out->read[dg] = true;
    }
    vfy_lds_sod *parsed = sod != NULL ? malloc(sizeof *parsed) : NULL;
    if (parsed != NULL && vfy_lds_parse_sod(sod, sod_len, parsed, NULL) == VFY_OK) {
        out->sod_usable = true;
        for (unsigned i = 0; i < parsed->hash_count && i < VFY_SOD_MAX_HASHES; i++) {
            unsigned dg = parsed->hashes[i].dg;
            if (dg >= 1 && dg <= 16 && !out->read[dg]) {
                out->read[dg] = true;
                out->sod_only[dg] = true;
            }
        }
    }
    free(parsed);
}
