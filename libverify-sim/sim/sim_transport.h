/*
 * Internal: the "sim" backend of hw/transport.h. "sim" serves the built-in specimen,
 * "sim:DIR" a dump folder; "?key=value&..." picks the chip's profile, the simulated
 * reader (reader=ext|short|pn532) and the faults (see sim_profile.h).
 */
#ifndef VFY_HW_SIM_TRANSPORT_H
#define VFY_HW_SIM_TRANSPORT_H

#include "transport.h"

VFY_NODISCARD vfy_status vfy_sim_transport_open(const char *conn, vfy_transport **out,
                                                vfy_detail *detail);

#endif
