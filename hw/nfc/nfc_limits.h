/* Internal: what libnfc 1.8 can carry (see nfc_transport.h). */
#ifndef VFY_HW_NFC_LIMITS_H
#define VFY_HW_NFC_LIMITS_H

#define VFY_NFC_MAX_COMMAND 262   /* libnfc 1.8's abtCmd[264] less InDataExchange and Tg */
#define VFY_NFC_MAX_RESPONSE 263  /* libnfc 1.8's abtRx[264] less the status byte */

#endif
