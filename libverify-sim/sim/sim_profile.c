/* The simulated chip's profile: defaults and the connection-string options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "sim/sim_profile.h"
#include "verify/session.h"
#include "verify/sim.h"

const char *const sim_profile_help[] = {
    "sim                     the built-in ICAO specimen passport (PACE ECDH-GM brainpoolP256r1 AES-128, and BAC)",
    "sim:DIR                 a passport from a dump folder (EF_COM.bin, EF_SOD.bin, DG1.bin ... EF_CardAccess.bin)",
    "options, after '?' joined by '&':",
    "  pace=off | bac=off      offer BAC only | PACE only",
    "  mapping=gm|im|cam       PACE mapping (EF.CardAccess is then generated)",
    "  cipher=3des|aes128|aes192|aes256   PACE cipher",
    "  param=N                 PACE standardized domain parameters (0-2 DH, 8-18 ECDH; default 13)",
    "  can=NNNNNN              the card access number (default 123456)",
    "  ext=on|off              extended-length APDUs (off: the chip answers 6700)",
    "  max_le=N                largest response data field the chip sends (larger requests: 6700)",
    "  reader=ext|short|pn532  the simulated reader: extended length up to 64 KB, short APDUs, or PN532 frames",
    "  kbps=N turnaround_us=N  link speed model for the simulated time",
    "  bad_mac=N               the Nth response carries a wrong secure-messaging MAC",
    "  ssc_skew=N              the chip's send sequence counter runs N ahead",
    "  truncate=N              the Nth response is cut short (one byte arrives)",
    "  sw=HHHH sw_at=N         answer the Nth command (default 1st) with hex status word HHHH",
    "  remove_after=N          the document leaves the field after N APDUs",
    "  present=PATH            the document is on the reader exactly while the file PATH exists",
    "  bad_tlv=FILE            FILE (EF.COM, DG1 ...) claims a length of 16 MB in its TLV header",
    "  slow_us=N               each answer takes N more simulated microseconds (no real sleep)",
    "  trunc_at=N              long responses are silently cut at N data bytes",
    "  le65536=empty           Le=65536 returns no data",
    "  get_response=N          every answer comes as 61xx, to be fetched with GET RESPONSE in chunks of N",
    "  eof=6282                reading past the end of a file returns the data with 6282",
    "  cardaccess=absent|6a86|6d00   SELECT EF.CardAccess answers 6A82, 6A86 or 6D00",
    NULL,
};

const char *vfy_sim_help_line(size_t i)
{
    size_t n = 0;
    while (sim_profile_help[n] != NULL)
        n++;
    return i < n ? sim_profile_help[i] : NULL;
}

static void defaults(struct sim_profile *p)
{
    memset(p, 0, sizeof *p);
    p->bac = true;
    p->pace = true;
    p->mapping = SIM_MAP_GM;
    p->cipher = SIM_CIPHER_AES128;
    p->param_id = 13;
    memcpy(p->can, "123456", 7);
    p->extended = true;
    p->max_le = 65536;
    p->reader = SIM_READER_EXTENDED;
    p->bad_tlv_file = -1;
    p->card_access = SIM_CA_PRESENT;
}

static vfy_status bad(vfy_detail *d, const char *key, const char *value, const char *want)
{
    return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                    "simulated chip option '%.32s=%.32s' is invalid: expected %s", key, value,
                    want);
}

static vfy_status number(const char *key, const char *v, unsigned long lo, unsigned long hi,
                         unsigned long *out, vfy_detail *d)
{
    char *end = NULL;
    if (v[0] < '0' || v[0] > '9')
        return bad(d, key, v, "a decimal number");
    unsigned long n = strtoul(v, &end, 10);
    if (*end != '\0' || n < lo || n > hi) {
        char want[64];
        snprintf(want, sizeof want, "a number from %lu to %lu", lo, hi);
        return bad(d, key, v, want);
    }
    *out = n;
    return VFY_OK;
}

static vfy_status on_off(const char *key, const char *v, bool *out, vfy_detail *d)
{
    if (strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return bad(d, key, v, "on or off");
    return VFY_OK;
}

static int file_by_name(const char *v)
{
    static const char *const names[] = { "EF.COM", "EF.SOD", "EF.CardAccess", "EF.CardSecurity" };
    static const int ids[] = { 17, 18, 19, 20 };
    for (size_t i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0)
            return ids[i];
    if (strncmp(v, "DG", 2) == 0 && v[2] >= '1' && v[2] <= '9') {
        int n = atoi(v + 2);
        char back[8];
        snprintf(back, sizeof back, "DG%d", n);
        if (n >= 1 && n <= 16 && strcmp(back, v) == 0)
            return n;
    }
    return -1;
}

static vfy_status option(struct sim_profile *p, const char *key, const char *v, vfy_detail *d)
{
    unsigned long n;
    if (strcmp(key, "pace") == 0) {
        VFY_TRY(on_off(key, v, &p->pace, d));
    } else if (strcmp(key, "bac") == 0) {
        VFY_TRY(on_off(key, v, &p->bac, d));
    } else if (strcmp(key, "mapping") == 0) {
        if (strcmp(v, "gm") == 0)
            p->mapping = SIM_MAP_GM;
        else if (strcmp(v, "im") == 0)
            p->mapping = SIM_MAP_IM;
        else if (strcmp(v, "cam") == 0)
            p->mapping = SIM_MAP_CAM;
        else
            return bad(d, key, v, "gm, im or cam");
        p->pace_overridden = true;
    } else if (strcmp(key, "cipher") == 0) {
        static const char *const names[] = { "3des", "aes128", "aes192", "aes256" };
        size_t i = 0;
        while (i < 4 && strcmp(v, names[i]) != 0)
            i++;
        if (i == 4)
            return bad(d, key, v, "3des, aes128, aes192 or aes256");
        p->cipher = (enum sim_cipher)i;
        p->pace_overridden = true;
    } else if (strcmp(key, "param") == 0) {
        VFY_TRY(number(key, v, 0, 18, &n, d));
        if (n > 2 && n < 8)
            return bad(d, key, v, "0, 1, 2 (DH) or 8 to 18 (ECDH)");
        p->param_id = (unsigned)n;
        p->pace_overridden = true;
    } else if (strcmp(key, "can") == 0) {
        if (strlen(v) != 6 || strspn(v, "0123456789") != 6)
            return bad(d, key, v, "six digits");
        memcpy(p->can, v, 7);
    } else if (strcmp(key, "ext") == 0) {
        VFY_TRY(on_off(key, v, &p->extended, d));
    } else if (strcmp(key, "max_le") == 0) {
        VFY_TRY(number(key, v, 16, 65536, &n, d));
        p->max_le = n;
    } else if (strcmp(key, "reader") == 0) {
        if (strcmp(v, "ext") == 0)
            p->reader = SIM_READER_EXTENDED;
        else if (strcmp(v, "short") == 0)
            p->reader = SIM_READER_SHORT;
        else if (strcmp(v, "pn532") == 0)
            p->reader = SIM_READER_PN532;
        else
            return bad(d, key, v, "ext, short or pn532");
    } else if (strcmp(key, "kbps") == 0) {
        VFY_TRY(number(key, v, 1, 100000, &n, d));
        p->kbps = (unsigned)n;
    } else if (strcmp(key, "turnaround_us") == 0) {
        VFY_TRY(number(key, v, 0, 10000000, &n, d));
        p->turnaround_us = (unsigned)n;
    } else if (strcmp(key, "bad_mac") == 0) {
        VFY_TRY(number(key, v, 1, 1000000, &n, d));
        p->bad_mac_at = (unsigned)n;
    } else if (strcmp(key, "ssc_skew") == 0) {
        VFY_TRY(number(key, v, 1, 255, &n, d));
        p->ssc_skew = (unsigned)n;
    } else if (strcmp(key, "truncate") == 0) {
        VFY_TRY(number(key, v, 1, 1000000, &n, d));
        p->truncate_at = (unsigned)n;
    } else if (strcmp(key, "sw") == 0) {
        char *end = NULL;
        unsigned long sw = strtoul(v, &end, 16);
        if (strlen(v) != 4 || *end != '\0' || sw < 0x6000 || sw > 0x6FFF || (sw >> 8) == 0x61 ||
            (sw >> 8) == 0x6C)
            return bad(d, key, v, "four hex digits of an error status word 6xxx (not 61xx/6Cxx)");
        p->sw = (uint16_t)sw;
        if (p->sw_at == 0)
            p->sw_at = 1;
    } else if (strcmp(key, "sw_at") == 0) {
        VFY_TRY(number(key, v, 1, 1000000, &n, d));
        p->sw_at = (unsigned)n;
    } else if (strcmp(key, "remove_after") == 0) {
        VFY_TRY(number(key, v, 0, 1000000, &n, d));
        p->remove_after = (unsigned)n + 1;   /* stored +1 so that 0 means "never" */
    } else if (strcmp(key, "present") == 0) {
        /* A path, taken as given: only its existence is ever looked at (stat), never
         * its content, so any name the caller may stat is acceptable. */
        if (strlen(v) >= sizeof p->present)
            return bad(d, key, "...", "a path shorter than 1024 bytes");
        memcpy(p->present, v, strlen(v) + 1);
    } else if (strcmp(key, "bad_tlv") == 0) {
        p->bad_tlv_file = file_by_name(v);
        if (p->bad_tlv_file < 0)
            return bad(d, key, v, "a file name: EF.COM, EF.SOD, DG1 ... DG16, EF.CardAccess");
    } else if (strcmp(key, "slow_us") == 0) {
        VFY_TRY(number(key, v, 0, 60000000, &n, d));
        p->slow_us = (unsigned)n;
    } else if (strcmp(key, "trunc_at") == 0) {
        VFY_TRY(number(key, v, 16, 65535, &n, d));
        p->silent_truncate = n;
    } else if (strcmp(key, "le65536") == 0) {
        if (strcmp(v, "empty") != 0)
            return bad(d, key, v, "empty");
        p->le65536_empty = true;
    } else if (strcmp(key, "get_response") == 0) {
        VFY_TRY(number(key, v, 1, 256, &n, d));
        p->get_response = n;
    } else if (strcmp(key, "eof") == 0) {
        if (strcmp(v, "6282") != 0)
            return bad(d, key, v, "6282");
        p->eof_6282 = true;
    } else if (strcmp(key, "cardaccess") == 0) {
        if (strcmp(v, "present") == 0)
            p->card_access = SIM_CA_PRESENT;
        else if (strcmp(v, "absent") == 0)
            p->card_access = SIM_CA_ABSENT;
        else if (strcmp(v, "6a86") == 0 || strcmp(v, "6A86") == 0)
            p->card_access = SIM_CA_6A86;
        else if (strcmp(v, "6d00") == 0 || strcmp(v, "6D00") == 0)
            p->card_access = SIM_CA_6D00;
        else
            return bad(d, key, v, "present, absent, 6a86 or 6d00");
    } else {
        return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                        "unknown simulated chip option '%.32s' (see 'vfy help sim')", key);
    }
    return VFY_OK;
}

vfy_status sim_profile_parse(const char *spec, struct sim_profile *p, vfy_detail *d)
{
    defaults(p);
    if (spec == NULL)
        spec = "";
    const char *q = strchr(spec, '?');
    size_t dir_len = q != NULL ? (size_t)(q - spec) : strlen(spec);
    if (dir_len > 0) {
        if (spec[0] != ':' || dir_len < 2)
            return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                            "simulated chip: expected sim, sim:DIR or sim?OPTIONS");
        if (dir_len - 1 >= sizeof p->dir)
            return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader", "dump folder path is too long");
        memcpy(p->dir, spec + 1, dir_len - 1);
        p->dir[dir_len - 1] = '\0';
    }
    if (q == NULL)
        goto check;
    const char *s = q + 1;
    while (*s != '\0') {
        const char *amp = strchr(s, '&');
        size_t n = amp != NULL ? (size_t)(amp - s) : strlen(s);
        char item[SIM_DIR_MAX + 32];   /* present=PATH carries a path */
        if (n == 0 || n >= sizeof item)
            return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                            "simulated chip: empty or overlong option in '%.64s'", q + 1);
        memcpy(item, s, n);
        item[n] = '\0';
        char *eq = strchr(item, '=');
        if (eq == NULL || eq == item || eq[1] == '\0')
            return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                            "simulated chip option '%.64s' must be key=value", item);
        *eq = '\0';
        VFY_TRY(option(p, item, eq + 1, d));
        s += n;
        if (*s == '&')
            s++;
    }
check:
    if (!p->extended && p->max_le > 256)
        p->max_le = 256;
    if (p->mapping == SIM_MAP_CAM && p->param_id < 8)
        return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                        "simulated chip: the chip authentication mapping needs an elliptic curve "
                        "(param 8 to 18)");
    if (p->mapping == SIM_MAP_CAM && p->cipher == SIM_CIPHER_3DES)
        return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                        "simulated chip: the chip authentication mapping is defined with AES only");
    if (p->mapping == SIM_MAP_IM && (p->param_id < 8 || p->param_id == 10))
        return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                        "simulated chip: integrated mapping is simulated on elliptic curves whose "
                        "prime is 3 mod 4 (param 8, 9 and 11 to 18)");
    return VFY_OK;
}
