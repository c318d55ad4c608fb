/* Fuzz target: EF.CardSecurity verified as the inspection verifies it
 * (pa_verify_card_security: the SignedData path EF.SOD uses, the document signer against
 * a trust store, the SecurityInfos content), then the keys it would hand out. The trust
 * store holds the built-in specimen's CSCA (data/specimen/csca.pem, or $VFY_FUZZ_TRUST),
 * under which the seed EF.CardSecurity verifies, so mutations reach every check. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "pa/pa.h"
#include "verify.h"

static vfy_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("VFY_FUZZ_TRUST");
    if (vfy_trust_new(&trust) == VFY_OK &&
        vfy_trust_add_path(trust, path != NULL ? path : "data/specimen/csca.pem", NULL) != VFY_OK) {
        /* No anchor: every chain is then NOT_CHECKED, the rest is still exercised. */
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pa_cs_result r;
    /* Two verification times: now, and past the specimen DS's validity. */
    time_t at = size > 0 && (data[size - 1] & 1) ? time(NULL) + 4000L * 86400 : 0;
    if (pa_verify_card_security(data, size, trust, at, NULL, &r) != VFY_OK)
        abort();
    const vfy_security_infos *vouched = pa_cs_vouched(&r);
    /* Handed out only when every check holds. */
    if (vouched != NULL && (r.signature.outcome != VFY_OUTCOME_OK || r.content.outcome != VFY_OUTCOME_OK ||
                            r.ds_chain.outcome != VFY_OUTCOME_OK || r.ds_validity.outcome != VFY_OUTCOME_OK))
        abort();
    (void)pa_cs_chip_auth_key(&r, -1);
    (void)pa_cs_chip_auth_key(&r, 13);
    pa_cs_result_free(&r);
    return 0;
}
