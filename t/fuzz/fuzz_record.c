/*
 * efsgw - libFuzzer target for RPC record marking and RPC headers: the
 * input is a TCP byte stream, fed to the reassembler in chunks whose sizes
 * come from the first byte; every record that comes out is parsed as an
 * RPC header (RFC 5531 §9, §11). Nothing may crash, leak or read out of
 * bounds, whatever the stream.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evbuffer *in, *rec;
	struct evbuffer_iovec vec[64];
	struct rpc_record *rr;
	struct rpc_msg m;
	struct xdrbuf b;
	size_t chunk, off = 1, n;
	int r, nvec;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	if ((in = evbuffer_new()) == NULL)
		return 0;
	if ((rr = rpc_record_new(64 * 1024)) == NULL) {
		evbuffer_free(in);
		return 0;
	}
	/* Half the inputs read past records over the limit (calls too big). */
	if (data[0] & 0x80)
		rpc_record_set_skip(rr, 256 * 1024);
	while (off < size) {
		n = size - off < chunk ? size - off : chunk;
		evbuffer_add(in, data + off, n);
		off += n;
		while ((r = rpc_record_read(rr, in, &rec)) == 1 ||
		    r == RPC_RECORD_SKIPPED) {
			/* A skipped record keeps its head only. */
			if (r == RPC_RECORD_SKIPPED &&
			    evbuffer_get_length(rec) > RPC_RECORD_HEAD)
				abort();
			nvec = evbuffer_peek(rec, -1, NULL, vec, 64);
			if (nvec >= 0 && nvec <= 64) {
				xdrbuf_init(&b, vec, nvec);
				(void)rpc_msg_parse(&b, &m);
			}
			evbuffer_free(rec);
		}
		if (r < 0)
			break;
	}
	rpc_record_free(rr);
	evbuffer_free(in);
	return 0;
}
