/*
 * Internal: the PC/SC transport (pcsc-lite), for CCID contact and contactless readers and
 * full-page document readers.
 *
 * Accepts the connection strings "pcsc" (the first reader holding a card, or, when none
 * does, any reader: wait_card then takes the first one a card appears on) and
 * "pcsc:NAME" (the readers whose name contains NAME). It connects exclusively with T=1
 * (contactless chips appear as T=1, "T=CL") or T=0, and carries extended-length APDUs when
 * the reader announces a large enough buffer (SCARD_ATTR_MAXINPUT) or announces nothing.
 * A card pulled out or reset by another application, and a reader unplugged or a stopped
 * pcscd, end the exchange with VFY_E_CARD_REMOVED, VFY_E_CARD_RESET or VFY_E_READER_GONE.
 * A private daemon is reached through PCSCLITE_CSOCK_NAME, which the pcsc-lite client
 * library reads. Non-goals: SCardControl (PIN pads, escape commands), shared access.
 */
#ifndef VFY_HW_PCSC_H
#define VFY_HW_PCSC_H

#include "transport.h"

vfy_status vfy_pcsc_open(const char *conn, vfy_transport **out, vfy_detail *detail);

/* Called once per reader by vfy_pcsc_list. */
typedef void (*vfy_pcsc_list_fn)(void *ctx, const char *reader_name, bool card_present);

/* Lists the PC/SC readers with whether a card is in each; VFY_E_NO_READER when the PC/SC
 * service runs no reader or is not running. */
vfy_status vfy_pcsc_list(vfy_pcsc_list_fn fn, void *ctx, vfy_detail *detail);

#endif
