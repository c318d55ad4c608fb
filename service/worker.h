/* Internal to the service: the reader's worker thread (service/worker.c). */
#ifndef VFY_SERVICE_WORKER_H
#define VFY_SERVICE_WORKER_H

/* The thread's body; arg is the struct serve_state. Returns when state->stop is set. */
void *worker_main(void *arg);
/* Async-signal-safe: asks the worker to reload trust between inspections (SIGHUP). */
void worker_request_reload(void);

#endif
