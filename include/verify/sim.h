/*
 * libverify-sim — the simulated eMRTD chip and the specimen passport generator: test and
 * demonstration material in a library of its own (libverify-sim.so, pkg-config
 * libverify-sim), never part of the product library libverify.so.
 *
 * A program that links libverify-sim and calls vfy_sim_register() once can open the
 * readers "sim" (the built-in specimen passport) and "sim:DIR?options" (a dump folder,
 * with reader profiles and fault injection) wherever libverify takes a reader:
 * vfy_session_open, vfy_readers_list, the kiosk loop. Without it, "sim" is an unknown
 * reader (VFY_E_BAD_CONNECTION).
 *
 * Thread safety: both calls may be made from any thread at any time; a simulated chip
 * opened through a session follows the session's rule (verify/session.h).
 */
#ifndef VERIFY_SIM_H
#define VERIFY_SIM_H

#include "common.h"
#include "status.h"
#include "specimen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Adds the "sim" reader backend to libverify's transport table. Calling it again is a
 * no-op; VFY_E_BACKEND_CONFLICT if another backend already took the scheme "sim".
 * Thread-safe: it may race with itself and with readers being opened. */
VFY_API VFY_NODISCARD vfy_status vfy_sim_register(vfy_detail *detail);

/* Line i (from 0) of the help on the simulated reader's connection strings ("sim",
 * "sim:DIR" and every "?option"); NULL past the last line. Thread-safe (static text). */
VFY_API const char *vfy_sim_help_line(size_t i);

#ifdef __cplusplus
}
#endif

#endif
