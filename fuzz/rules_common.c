/* What the rules and case fuzz targets both check of a decision. */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_common.h"

/* The workspace writes the API's document byte for byte (the one serializer), and a
 * refusal by one is a refusal by the other. */
void fuzz_rules_same_as_workspace(const vfy_rules_engine *e, const vfy_rules_case *c,
                              const vfy_rules_eval_options *opt, const vfy_rules_decision *dec)
{
    vfy_rules_workspace *ws = NULL;
    if (vfy_rules_workspace_new(e, &ws) != VFY_OK)
        __builtin_trap();
    vfy_status s = vfy_rules_evaluate_into(e, c, opt, ws, NULL);
    if ((s == VFY_OK) != (dec != NULL))
        __builtin_trap();
    if (dec != NULL) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL || vfy_rules_workspace_write(ws, 0, NULL, f) != VFY_OK)
            __builtin_trap();
        fclose(f);
        char *api = vfy_rules_decision_json(dec, 0);
        size_t n = api != NULL ? strlen(api) : 0;
        if (api == NULL || len != n + 1 || memcmp(buf, api, n) != 0 || buf[n] != '\n')
            __builtin_trap();
        vfy_free(api);
        free(buf);
    }
    vfy_rules_workspace_free(ws);
}
