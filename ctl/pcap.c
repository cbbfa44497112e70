// SPDX-License-Identifier: GPL-2.0-or-later
/* pcap writer: see pcap.h. Host byte order, as the format allows (readers
 * tell it from the magic number). */
#include <errno.h>
#include <string.h>

#include "pcap.h"

struct pcap_file_header {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_record_header {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

static int write_all(FILE *f, const void *p, size_t n)
{
	if (fwrite(p, 1, n, f) != n || fflush(f))
		return errno ? -errno : -EIO;
	return 0;
}

int pcap_write_header(FILE *f)
{
	struct pcap_file_header h = {
	    .magic = 0xa1b2c3d4,
	    .version_major = 2,
	    .version_minor = 4,
	    .snaplen = PCAP_SNAPLEN,
	    .linktype = 1, /* LINKTYPE_ETHERNET */
	};
	return write_all(f, &h, sizeof(h));
}

int pcap_write_packet(FILE *f, uint64_t ts_ns, const uint8_t *data, size_t caplen, size_t wirelen)
{
	if (caplen > PCAP_SNAPLEN)
		caplen = PCAP_SNAPLEN;
	if (wirelen < caplen)
		wirelen = caplen;
	struct pcap_record_header r = {
	    .ts_sec = (uint32_t)(ts_ns / 1000000000ull),
	    .ts_usec = (uint32_t)(ts_ns % 1000000000ull / 1000),
	    .incl_len = (uint32_t)caplen,
	    .orig_len = (uint32_t)wirelen,
	};
	if (fwrite(&r, 1, sizeof(r), f) != sizeof(r))
		return errno ? -errno : -EIO;
	return write_all(f, data, caplen);
}

static int nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

long hex_decode_prefix(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; n < max && hex[2 * n] && hex[2 * n + 1]; n++) {
		int hi = nibble(hex[2 * n]), lo = nibble(hex[2 * n + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[n] = (uint8_t)(hi << 4 | lo);
	}
	return (long)n;
}

long hex_decode(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	return hex_decode_prefix(hex, out, n / 2);
}
