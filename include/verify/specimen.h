/*
 * libverify — specimen passports: complete, validly signed dump folders made from
 * nothing, for tests, demos and the simulated chip.
 *
 * A specimen holds a CSCA (csca.pem) and a document signer (ds.pem) of the MRZ's
 * issuing state (UTO becomes C=UT), EF.COM, EF.SOD, DG1 (the MRZ), DG2 (a JPEG or JPEG
 * 2000 face image in an ISO/IEC 19794-5 record), DG11, DG12, DG14 (Chip Authentication, and
 * ActiveAuthenticationInfo for ECDSA), DG15 (the Active Authentication key) and the
 * chip's private keys as aa_private.pem and chipauth_private.pem, and the CSCA's key as
 * csca_private.pem (so that tests can issue CRLs). Every key is fresh
 * from OpenSSL; nothing is reused between calls. The private keys are written for
 * the simulated chip: a specimen is test material, never a document.
 *
 * Thread safety: each call creates its own keys and files; calls for different folders
 * may run at once.
 */
#ifndef VERIFY_SPECIMEN_H
#define VERIFY_SPECIMEN_H

#include "common.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vfy_specimen_sig {
    VFY_SPECIMEN_SIG_ECDSA = 0,   /* P-256 DS, brainpoolP256r1 CSCA */
    VFY_SPECIMEN_SIG_RSA,         /* RSA-2048 PKCS#1 v1.5 */
    VFY_SPECIMEN_SIG_RSA_PSS,     /* RSA-2048 RSASSA-PSS */
} vfy_specimen_sig;

typedef enum vfy_specimen_aa {
    VFY_SPECIMEN_AA_RSA = 0,      /* RSA-1536, ISO/IEC 9796-2 */
    VFY_SPECIMEN_AA_EC,           /* P-256 ECDSA with SHA-256 */
    VFY_SPECIMEN_AA_NONE,
} vfy_specimen_aa;

typedef enum vfy_specimen_ca {
    VFY_SPECIMEN_CA_EC = 0,       /* ECDH brainpoolP256r1 */
    VFY_SPECIMEN_CA_DH,           /* DH, RFC 5114 2048-bit group with 256-bit subgroup */
    VFY_SPECIMEN_CA_NONE,
} vfy_specimen_ca;

typedef enum vfy_specimen_face {
    VFY_SPECIMEN_FACE_JPEG = 0,   /* the built-in JPEG face, or the JPEG photo given */
    VFY_SPECIMEN_FACE_JPEG2000,   /* a synthetic face encoded as JPEG 2000 (JP2), or the
                                     JPEG 2000 photo given */
} vfy_specimen_face;

typedef struct vfy_specimen_options {
    const char *mrz;              /* two or three MRZ lines; NULL: the ICAO Utopia TD3 specimen */
    const uint8_t *photo;         /* a JPEG, or with face_format JPEG2000 a JPEG 2000 file
                                     (JP2 or J2K), for DG2; NULL: a built-in synthetic face */
    size_t photo_len;
    vfy_specimen_sig sig;
    vfy_specimen_aa aa;
    vfy_specimen_ca ca;
    bool ca_3des;                 /* Chip Authentication with 3DES instead of AES-128 */
    const char *digest;           /* data-group and signature hash: "SHA-256" (default),
                                     "SHA-1", "SHA-224", "SHA-384", "SHA-512" */
    bool pace_in_dg14;            /* DG14 (signed) also lists a PACEInfo, as a chip that
                                     supports PACE may: reading it over BAC is a downgrade */
    vfy_specimen_face face_format; /* the DG2 face's encoding (default JPEG) */
} vfy_specimen_options;

/* Writes a specimen dump folder: a new (or empty) folder, new 0600 files as
 * vfy_document_save_dir writes them. options may be NULL (defaults). */
VFY_API VFY_NODISCARD VFY_NONNULL(1) vfy_status vfy_specimen_write(const char *dir,
                                                    const vfy_specimen_options *options,
                                                    vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
