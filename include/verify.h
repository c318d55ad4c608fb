/*
 * libverify — ePassport, eID and visa-seal verification for border-control kiosks.
 *
 * One header per module under verify/; this one includes them all. The simulated chip
 * and the specimen generator are a separate library, libverify-sim: <verify/sim.h>.
 */
#ifndef VERIFY_H
#define VERIFY_H

#include "verify/common.h"
#include "verify/vfy_limits.h"
#include "verify/version.h"
#include "verify/status.h"
#include "verify/mrz.h"
#include "verify/trust.h"
#include "verify/trust_update.h"
#include "verify/document.h"
#include "verify/session.h"
#include "verify/lds.h"
#include "verify/verdict.h"
#include "verify/inspection.h"
#include "verify/rules.h"
#include "verify/face_image.h"
#include "verify/seal.h"
#include "verify/reader.h"
#include "verify/files.h"
#include "verify/audit.h"

#endif
