/*
 * efsgw - notify: readiness, reload and stop notifications to systemd
 * through libsystemd's sd_notify when the build has it (configure
 * --with-systemd), else nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "notify.h"

/* Send one state string; a missing NOTIFY_SOCKET makes it a no-op. */
static void
notify_send(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	(void)sd_notify(0, state);
#else
	(void)state;
#endif
}

/* The listeners are open. */
void
notify_ready(void)
{
	notify_send("READY=1\nSTATUS=serving");
}

/* A reload starts (systemd wants the monotonic time with it, 253+). */
void
notify_reloading(void)
{
	struct timespec ts;
	char buf[96];

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		ts.tv_sec = ts.tv_nsec = 0;
	snprintf(buf, sizeof buf, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	notify_send(buf);
}

/* The daemon drains. */
void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=draining");
}
