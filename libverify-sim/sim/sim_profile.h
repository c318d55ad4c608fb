/*
 * Internal: the simulated chip's profile, parsed from the connection string
 * "sim[:DIR][?key=value&...]". It chooses what the chip offers (BAC, PACE and which
 * PACE algorithm), its limits (largest response, extended length), the reader the
 * simulated link stands for, and the faults to inject. Unknown keys and malformed
 * values are refused, so a typo never silently runs the default profile.
 *
 * Counting: "the Nth response" counts every APDU the chip answered since it was
 * created, starting at 1 (GET RESPONSE included).
 */
#ifndef VFY_HW_SIM_PROFILE_H
#define VFY_HW_SIM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/status.h"

#define SIM_DIR_MAX 1024

/* How the chip answers a SELECT of EF.CardAccess from the master file. */
enum sim_card_access {
    SIM_CA_PRESENT = 0,
    SIM_CA_ABSENT,   /* 6A82: the chip has no EF.CardAccess (BAC-only chips) */
    SIM_CA_6A86,     /* 6A86: wrong P1/P2, seen on old chips */
    SIM_CA_6D00,     /* 6D00: the chip refuses SELECT outside its application */
};

enum sim_mapping { SIM_MAP_GM = 0, SIM_MAP_IM, SIM_MAP_CAM };
enum sim_cipher { SIM_CIPHER_3DES = 0, SIM_CIPHER_AES128, SIM_CIPHER_AES192, SIM_CIPHER_AES256 };

/* The reader the simulated link stands for. */
enum sim_reader { SIM_READER_EXTENDED = 0, SIM_READER_SHORT, SIM_READER_PN532 };

struct sim_profile {
    char dir[SIM_DIR_MAX];      /* dump folder, "" for the built-in specimen */
    char present[SIM_DIR_MAX];  /* present=PATH: the document is on the reader while PATH
                                   exists; "" for always (see sim_transport.c) */

    /* What the chip offers. */
    bool bac;                   /* bac=on|off */
    bool pace;                  /* pace=on|off */
    bool pace_overridden;       /* mapping/cipher/param given: EF.CardAccess is generated */
    enum sim_mapping mapping;   /* mapping=gm|im|cam */
    enum sim_cipher cipher;     /* cipher=3des|aes128|aes192|aes256 */
    unsigned param_id;          /* param=N: standardized domain parameters (9303-11 table) */
    char can[7];                /* can=NNNNNN: the card access number; default 123456 */

    /* Chip limits. */
    bool extended;              /* ext=on|off: extended-length APDUs (else 6700) */
    size_t max_le;              /* max_le=N: largest response data field the chip sends */

    /* Reader and link. */
    enum sim_reader reader;     /* reader=ext|short|pn532 */
    unsigned kbps;              /* kbps=N: radio bit rate; default from the reader */
    unsigned turnaround_us;     /* turnaround_us=N: per-APDU reader+chip overhead */

    /* Faults (0 = off). */
    unsigned bad_mac_at;        /* bad_mac=N: the Nth response carries a wrong MAC */
    unsigned ssc_skew;          /* ssc_skew=N: the chip's SSC starts N ahead */
    unsigned truncate_at;       /* truncate=N: the Nth response loses its last bytes */
    uint16_t sw;                /* sw=HHHH: status word (hex) to answer ... */
    unsigned sw_at;             /* sw_at=N: ... to the Nth command (default 1st after access) */
    unsigned remove_after;      /* remove_after=N: the card leaves the field after N APDUs */
    int bad_tlv_file;           /* bad_tlv=DG2: that file's length field claims 16 MB */
    unsigned slow_us;           /* slow_us=N: each answer takes N simulated microseconds */

    /* Field quirks of real chips. */
    size_t silent_truncate;     /* trunc_at=N: responses silently cut at N data bytes */
    bool le65536_empty;         /* le65536=empty: Le=65536 returns no data, 9000 */
    size_t get_response;        /* get_response=N: every answer comes as 61xx in chunks of N */
    bool eof_6282;              /* eof=6282: a read past the end returns the data with 6282 */
    enum sim_card_access card_access;   /* cardaccess=present|absent|6a86|6d00 */
};

/* Defaults, then the options of `query` (the part after '?', may be NULL). */
VFY_NODISCARD vfy_status sim_profile_parse(const char *spec, struct sim_profile *p,
                                           vfy_detail *d);

/* One line per option, for `vfy help sim` and the tests that check it is documented. */
extern const char *const sim_profile_help[];

#endif
