/* Fuzz target: every LDS parser and the EF.SOD / CMS path. The first byte picks the
 * parser (modulo their count), the rest is the file. */
#include <stddef.h>
#include <stdint.h>

#include "lds/sod.h"
#include "pa/pa.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    vfy_detail d;
    vfy_detail_clear(&d);
    switch (data[0] % 14) {
    case 0: { vfy_lds_com o; (void)vfy_lds_parse_com(in, n, &o, &d); break; }
    case 1: { vfy_bytes o; (void)vfy_lds_dg1_mrz(in, n, &o, &d); break; }
    case 2: { vfy_lds_dg2 o; (void)vfy_lds_parse_dg2(in, n, &o, &d); break; }
    case 3: { vfy_lds_displayed o; (void)vfy_lds_parse_displayed(in, n, &o, &d); break; }
    case 4: { vfy_lds_dg11 o; (void)vfy_lds_parse_dg11(in, n, &o, &d); break; }
    case 5: { vfy_lds_dg12 o; (void)vfy_lds_parse_dg12(in, n, &o, &d); break; }
    case 6: { vfy_lds_dg16 o; (void)vfy_lds_parse_dg16(in, n, &o, &d); break; }
    case 7: { vfy_lds_dg15 o; (void)vfy_lds_parse_dg15(in, n, &o, &d); break; }
    case 8: { vfy_security_infos o; (void)vfy_lds_parse_dg14(in, n, &o, &d); break; }
    case 9: { vfy_security_infos o; (void)vfy_lds_parse_security_infos(in, n, &o, &d); break; }
    case 10: {
        vfy_security_infos o;
        if (vfy_lds_parse_card_security(in, n, &o, &d) == VFY_OK)
            vfy_security_infos_free(&o);
        break;
    }
    case 11: {
        lds_sod sod;
        if (lds_sod_open(in, n, &sod, &d) == VFY_OK) {
            pa_policy policy = { 1024, false };
            pa_signature sig;
            (void)pa_check_sod_signature(&sod, &policy, &sig, &d);
            pa_signature_free(&sig);
            lds_sod_close(&sod);
        }
        break;
    }
    case 12: {
        /* Active Authentication: a DG15 whose length is the next byte, then the signature. */
        static const uint8_t challenge[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
        if (n < 1)
            break;
        size_t k = in[0] < n - 1 ? in[0] : n - 1;
        (void)vfy_aa_verify(in + 1, k, NULL, 0, challenge, 8, in + 1 + k, n - 1 - k, &d);
        break;
    }
    default: {
        /* The whole verification over a document holding this one file as DG1 and SOD. */
        vfy_document *doc;
        if (vfy_document_new(&doc) != VFY_OK)
            break;
        if (vfy_document_set_file(doc, VFY_FILE_SOD, in, n) == VFY_OK &&
            vfy_document_set_file(doc, (vfy_file_id)14, in, n) == VFY_OK) {
            vfy_inspection *r = NULL;
            (void)vfy_inspect_files(doc, NULL, &r, &d);
            vfy_inspection_free(r);
        }
        vfy_document_free(doc);
    }
    }
    return 0;
}
