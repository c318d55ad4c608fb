/*
 * Internal: the chip session behind include/verify/session.h — a transport, the card
 * channel over it (secure messaging once BAC or PACE succeeded) and the file reader
 * that remembers what the chip accepts. Active and Chip Authentication run on the same
 * channel (vfy_session_channel) after vfy_session_read_document.
 */
#ifndef VFY_CHIP_SESSION_H
#define VFY_CHIP_SESSION_H

#include "chip/channel.h"
#include "chip/file_read.h"
#include "chip/pace.h"
#include "verify/session.h"

struct vfy_session {
    vfy_transport *transport;
    vfy_channel ch;
    vfy_file_reader reader;
    vfy_access_info access;
    unsigned files_read, files_denied;
    vfy_pace_result pace;   /* the last PACE run (CAM data), wiped on close */
};

/* The channel of an open session (secure messaging active after a read). */
vfy_channel *vfy_session_channel(vfy_session *s);

#endif
