/*
 * efsgw - notify: tell the service manager how the daemon is doing
 * (sd_notify(3): READY=1 once the listeners are open, RELOADING=1 and
 * READY=1 around a SIGHUP reload, STOPPING=1 when a drain starts). A
 * build without libsystemd, or a daemon not started by systemd with
 * Type=notify, makes these calls do nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EFSGW_NOTIFY_H
#define EFSGW_NOTIFY_H

/* The listeners are open: the daemon serves. */
void	 notify_ready(void);
/* A reload starts; notify_ready() ends it. */
void	 notify_reloading(void);
/* The daemon drains and will exit. */
void	 notify_stopping(void);

#endif /* EFSGW_NOTIFY_H */
