/*
 * The feature tables: which tag of which document type carries what, and how it is
 * coded. Pure data; features.c interprets it. Sources (see
 * ../shared/domain/visible-digital-seals.md §3 and §5): ICAO Doc 9303-7/-13 for the
 * visa and the emergency travel document, BSI TR-03137 v2.5 for the German
 * profiles, vdstools for the German types it dropped in 2025, the residence-permit
 * address sticker, TR-03171 and the IDB message registry.
 */
#include <string.h>

#include "seal/seal_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* tag, name, coding, min bytes, max bytes, characters, MRZ line length */
#define MRZ(tag, name, bytes, chars, line) { tag, name, VFY_SEAL_MRZ, bytes, bytes, chars, line, NULL, 0 }
#define C40(tag, name, bytes, chars) { tag, name, VFY_SEAL_C40, bytes, bytes, chars, 0, NULL, 0 }
#define C40V(tag, name, min, max) { tag, name, VFY_SEAL_C40, min, max, 0, 0, NULL, 0 }
#define BIN(tag, name, min, max) { tag, name, VFY_SEAL_BINARY, min, max, 0, 0, NULL, 0 }
#define UTF(tag, name, min, max) { tag, name, VFY_SEAL_UTF8, min, max, 0, 0, NULL, 0 }
#define UINT(tag, name, bytes) { tag, name, VFY_SEAL_UINT, bytes, bytes, 0, 0, NULL, 0 }
#define FACE(tag) BIN(tag, "FACE_IMAGE", 1, 65535)

/* ICAO visa (Doc 9303-7 §9): MRV-A keeps 44 + 28, MRV-B 36 + 28 characters. */
static const seal_feature visa[] = {
    MRZ(0x01, "MRZ_MRVA", 48, 72, 44),
    MRZ(0x02, "MRZ_MRVB", 44, 64, 36),
    UINT(0x03, "NUMBER_OF_ENTRIES", 1),
    { 0x04, "DURATION_OF_STAY", VFY_SEAL_DURATION, 3, 3, 0, 0, NULL, 0 },
    C40(0x05, "PASSPORT_NUMBER", 6, 9),
    BIN(0x06, "VISA_TYPE", 1, 4),
    BIN(0x07, "ADDITIONAL_FEATURE", 0, 254),
};

static const seal_feature emergency_travel[] = {
    MRZ(0x02, "MRZ", 48, 72, 36),
};

static const seal_feature arrival_attestation[] = {
    MRZ(0x02, "MRZ", 48, 72, 36),
    C40(0x03, "AZR", 8, 12),
};

static const seal_feature social_insurance[] = {
    C40(0x01, "SOCIAL_INSURANCE_NUMBER", 8, 12),
    UTF(0x02, "SURNAME", 1, 360),
    UTF(0x03, "FIRST_NAME", 1, 360),
    UTF(0x04, "BIRTH_NAME", 1, 360),
};

static const seal_feature residence_permit[] = {
    MRZ(0x02, "MRZ", 48, 72, 36),
    C40(0x03, "PASSPORT_NUMBER", 6, 9),
};

static const seal_feature supplementary_sheet[] = {
    MRZ(0x04, "MRZ", 48, 72, 36),
    C40(0x05, "SHEET_NUMBER", 6, 9),
};

static const seal_feature address_sticker[] = {
    C40(0x01, "DOCUMENT_NUMBER", 6, 9),
    C40(0x02, "MUNICIPALITY_CODE", 6, 8),
    C40V(0x03, "ADDRESS", 6, 18),
};

static const seal_feature residence_sticker[] = {
    C40(0x01, "DOCUMENT_NUMBER", 6, 9),
    C40(0x02, "MUNICIPALITY_CODE", 6, 8),
    C40(0x03, "POSTAL_CODE", 4, 5),
};

/* German types vdstools dropped in 2025 (now IDB), still found on documents. */
static const seal_feature temporary_passport[] = {
    FACE(0x01),
    MRZ(0x02, "MRZ", 60, 88, 44),
};

static const seal_feature temporary_id_card[] = {
    FACE(0x01),
    MRZ(0x02, "MRZ", 48, 72, 36),
};

static const seal_feature fiktionsbescheinigung[] = {
    FACE(0x01),
    MRZ(0x02, "MRZ", 48, 72, 36),
    C40(0x03, "PASSPORT_NUMBER", 6, 9),
    C40(0x04, "AZR", 8, 12),
};

static const seal_feature permanent_residence[] = {
    C40V(0x01, "DOCUMENT_NUMBER", 2, 254),
    C40V(0x02, "PASSPORT_NUMBER", 2, 254),
};

/* BSI TR-03171 administrative documents: tag 0x00 names the real profile. */
static const seal_feature tr03171_v08[] = {
    BIN(0x00, "DOC_PROFILE_UUID", 16, 16),
};

static const seal_feature tr03171_v09[] = {
    BIN(0x00, "DOC_PROFILE_UUID", 16, 16),
    UTF(0x01, "VALID_FROM", 8, 8),
    UTF(0x02, "VALID_TO", 8, 8),
    UTF(0x03, "PROFILE_URI", 1, 254),
    UTF(0x04, "CERTIFICATE_URI", 1, 254),
    UTF(0x05, "STATUS_URI", 1, 254),
    BIN(0x06, "STATUS_LIST_INDEX", 1, 8),
};

/* The registration certificate ("Meldebescheinigung") profile, as vdstools names it. */
static const uint8_t meldebescheinigung_uuid[16] = {
    0x9a, 0x42, 0x23, 0x40, 0x6d, 0x37, 0x4e, 0xf9, 0x9e, 0x2c, 0xf9, 0x5e, 0x31, 0xa2, 0x38, 0x46,
};
static const seal_feature meldebescheinigung[] = {
    BIN(0x00, "DOC_PROFILE_UUID", 16, 16),
    UTF(0x04, "SURNAME", 1, 254),
    UTF(0x05, "ACADEMIC_DEGREE", 1, 254),
    UTF(0x06, "FIRST_NAME", 1, 254),
    UTF(0x0D, "MOVING_DATE", 8, 8),
    UTF(0x0F, "DATE_OF_NOTIFICATION", 8, 8),
};

static const seal_profile profiles[] = {
    { 0x5D, 0x01, "ICAO visa", visa, N(visa), NULL },
    { 0x5E, 0x03, "ICAO emergency travel document", emergency_travel, N(emergency_travel), NULL },
    { 0xFD, 0x02, "German arrival attestation", arrival_attestation, N(arrival_attestation), NULL },
    { 0xFC, 0x04, "German social insurance card", social_insurance, N(social_insurance), NULL },
    { 0xFB, 0x06, "German residence permit", residence_permit, N(residence_permit), NULL },
    { 0xFA, 0x06, "German residence permit supplementary sheet", supplementary_sheet,
      N(supplementary_sheet), NULL },
    { 0xF9, 0x08, "German ID card address sticker", address_sticker, N(address_sticker), NULL },
    { 0xF9, 0x0C, "German residence permit card address sticker", address_sticker,
      N(address_sticker), NULL },
    { 0xF8, 0x0A, "German passport place-of-residence sticker", residence_sticker,
      N(residence_sticker), NULL },
    { 0xF6, 0x0D, "German temporary passport", temporary_passport, N(temporary_passport), NULL },
    { 0xF7, 0x0B, "German temporary ID card", temporary_id_card, N(temporary_id_card), NULL },
    { 0xF5, 0x0C, "German Fiktionsbescheinigung", fiktionsbescheinigung, N(fiktionsbescheinigung),
      NULL },
    { 0xF4, 0x8F, "German certificate of permanent residence", permanent_residence,
      N(permanent_residence), NULL },
    { 0x01, 0xC8, "German registration certificate (TR-03171)", meldebescheinigung,
      N(meldebescheinigung), meldebescheinigung_uuid },
    { 0x01, 0xC8, "German administrative document (TR-03171 v0.8)", tr03171_v08, N(tr03171_v08),
      NULL },
    { 0x01, 0xC9, "German administrative document (TR-03171 v0.9)", tr03171_v09, N(tr03171_v09),
      NULL },
};

const seal_profile *seal_vds_profile_next(const seal_profile *after, uint8_t dfr, uint8_t dtc)
{
    size_t i = after == NULL ? 0 : (size_t)(after - profiles) + 1;
    for (; i < N(profiles); i++)
        if (profiles[i].dfr == dfr && profiles[i].dtc == dtc)
            return &profiles[i];
    return NULL;
}

const seal_profile *seal_vds_profile(uint8_t dfr, uint8_t dtc)
{
    return seal_vds_profile_next(NULL, dfr, dtc);
}

/* ---- IDB messages (ICAO registry 0x01-0x0A, German national 0x80-0x86) ------ */
static const seal_feature idb_emergency_travel[] = {
    MRZ(0x02, "MRZ", 48, 72, 36),
};

static const seal_feature idb_messages[] = {
    { 0x01, "VISA", VFY_SEAL_GROUP, 0, 65535, 0, 0, visa, N(visa) },
    { 0x02, "EMERGENCY_TRAVEL_DOCUMENT", VFY_SEAL_GROUP, 0, 65535, 0, 0, idb_emergency_travel,
      N(idb_emergency_travel) },
    BIN(0x03, "PROOF_OF_TESTING", 0, 65535),
    BIN(0x04, "PROOF_OF_VACCINATION", 0, 65535),
    BIN(0x05, "PROOF_OF_RECOVERY", 0, 65535),
    BIN(0x06, "DIGITAL_TRAVEL_AUTHORIZATION", 0, 65535),
    MRZ(0x07, "MRZ_TD1", 60, 90, 30),
    MRZ(0x08, "MRZ_TD3", 60, 88, 44),
    C40(0x09, "CAN", 4, 6),
    BIN(0x0A, "EF_CARD_ACCESS", 1, 65535),
    FACE(0x80),
    MRZ(0x81, "MRZ_TD2", 48, 72, 36),
    C40(0x82, "DOCUMENT_REFERENCE", 6, 9),
    C40(0x83, "AZR", 8, 12),
    { 0x84, "EXPIRY_DATE", VFY_SEAL_DATE, 4, 4, 0, 0, NULL, 0 },
    C40(0x85, "DOCUMENT_NUMBER", 6, 9),
    UINT(0x86, "NATIONAL_DOCUMENT_IDENTIFIER", 1),
};

const seal_feature *seal_idb_messages(size_t *count)
{
    *count = N(idb_messages);
    return idb_messages;
}

const seal_feature *seal_feature_find(const seal_feature *table, size_t count, uint8_t tag)
{
    for (size_t i = 0; i < count; i++)
        if (table[i].tag == tag)
            return &table[i];
    return NULL;
}
