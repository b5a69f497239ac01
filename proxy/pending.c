/*
 * efsgw - the calls in flight on one connection, keyed by xid, so that a
 * reply can be matched to its call (its procedure, minor version and what
 * the gateway changed in it). Entries are recycled per connection so the
 * hot path does not allocate.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "conn.h"

/* Hash an xid into a bucket (xids are sequential: mix the bits). */
static unsigned
pending_hash(uint32_t xid)
{
	xid ^= xid >> 16;
	xid *= 0x45d9f3bu;
	xid ^= xid >> 16;
	return xid % PENDING_BUCKETS;
}

/* Take a free entry. */
struct pending *
pending_get(struct conn *c)
{
	struct pending *p;

	if ((p = c->free_pending) != NULL) {
		c->free_pending = p->next;
		memset(p, 0, sizeof *p);
		return p;
	}
	return xcalloc(1, sizeof *p);
}

/* Recycle an entry. */
void
pending_put(struct conn *c, struct pending *p)
{
	free(p->tier_data);
	p->tier_data = NULL;
	p->next = c->free_pending;
	c->free_pending = p;
}

/* Add p; duplicates of an xid are kept in arrival order. */
void
pending_insert(struct pending_table *t, struct pending *p)
{
	struct pending **pp = &t->bucket[pending_hash(p->xid)];

	while (*pp != NULL)
		pp = &(*pp)->next;
	p->next = NULL;
	*pp = p;
	t->n++;
}

/* Remove and return the oldest entry for xid. */
struct pending *
pending_take(struct pending_table *t, uint32_t xid)
{
	struct pending **pp = &t->bucket[pending_hash(xid)], *p;

	for (; (p = *pp) != NULL; pp = &p->next) {
		if (p->xid == xid) {
			*pp = p->next;
			p->next = NULL;
			t->n--;
			return p;
		}
	}
	return NULL;
}

/* Free every entry of a table. */
void
pending_clear(struct conn *c, struct pending_table *t)
{
	struct pending *p;
	size_t i;

	for (i = 0; i < PENDING_BUCKETS; i++) {
		while ((p = t->bucket[i]) != NULL) {
			t->bucket[i] = p->next;
			free(p->tier_data);
			free(p);
		}
	}
	t->n = 0;
}

/* Free the recycled entries. */
void
pending_free_list(struct conn *c)
{
	struct pending *p;

	while ((p = c->free_pending) != NULL) {
		c->free_pending = p->next;
		free(p);
	}
}
