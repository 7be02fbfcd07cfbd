/*
 * ACPI parsing. All multi-byte fields are read byte by byte (tables are
 * packed and may be misaligned) and every offset is checked against the
 * table's checked length.
 */
#include "lib/acpi/acpi.h"
#include "lib/libc/string.h"

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t
sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

const char *
acpi_parse_rsdp(const void *buf, size_t len, struct acpi_rsdp_info *out)
{
	const uint8_t *p = buf;
	uint32_t xlen;

	memset(out, 0, sizeof(*out));
	if (len < 20 || memcmp(p, "RSD PTR ", 8) != 0)
		return "no RSDP signature";
	if (sum(p, 20) != 0)
		return "RSDP checksum mismatch";
	out->revision = p[15];
	out->rsdt = rd32(p + 16);
	if (out->revision < 2)
		return NULL;
	if (len < 36)
		return "RSDP too short for revision 2";
	xlen = rd32(p + 20);
	if (xlen < 36 || xlen > len)
		return "bad RSDP length";
	if (sum(p, xlen) != 0)
		return "extended RSDP checksum mismatch";
	out->xsdt = rd64(p + 24);
	return NULL;
}

uint32_t
acpi_table_length(const void *hdr)
{
	return rd32((const uint8_t *)hdr + 4);
}

const char *
acpi_check_table(const void *buf, size_t len, const char sig[4])
{
	const uint8_t *p = buf;
	uint32_t tlen;

	if (len < ACPI_SDT_HEADER_LEN)
		return "table shorter than its header";
	if (memcmp(p, sig, 4) != 0)
		return "wrong table signature";
	tlen = acpi_table_length(p);
	if (tlen < ACPI_SDT_HEADER_LEN || tlen > len)
		return "bad table length";
	if (sum(p, tlen) != 0)
		return "table checksum mismatch";
	return NULL;
}

size_t
acpi_list_count(const void *table, size_t entry_size)
{
	return (acpi_table_length(table) - ACPI_SDT_HEADER_LEN) / entry_size;
}

uint64_t
acpi_list_entry(const void *table, size_t entry_size, size_t i)
{
	const uint8_t *e = (const uint8_t *)table + ACPI_SDT_HEADER_LEN + i * entry_size;

	return entry_size == 8 ? rd64(e) : rd32(e);
}

/* MADT entry types and flags (ACPI 6.x, section 5.2.12). */
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_X2APIC		9
#define LAPIC_ENABLED		0x1
#define LAPIC_ONLINE_CAPABLE	0x2

static void
add_cpu(struct acpi_madt_info *out, uint32_t apic_id, uint32_t flags)
{
	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
		return;
	if (out->cpu_count < ACPI_MAX_CPUS)
		out->apic_id[out->cpu_count++] = apic_id;
}

const char *
acpi_parse_madt(const void *buf, size_t len, struct acpi_madt_info *out)
{
	const uint8_t *p = buf;
	const char *err;
	uint32_t tlen, off;

	memset(out, 0, sizeof(*out));
	if ((err = acpi_check_table(buf, len, "APIC")) != NULL)
		return err;
	tlen = acpi_table_length(p);
	if (tlen < ACPI_SDT_HEADER_LEN + 8)
		return "MADT too short";
	out->lapic_addr = rd32(p + 36);
	out->flags = rd32(p + 40);
	for (off = ACPI_SDT_HEADER_LEN + 8; off + 2 <= tlen; off += p[off + 1]) {
		const uint8_t *e = p + off;

		if (e[1] < 2 || off + e[1] > tlen)
			return "MADT entry with a bad length";
		if (e[0] == MADT_LAPIC && e[1] >= 8) {
			add_cpu(out, e[3], rd32(e + 4));
		} else if (e[0] == MADT_X2APIC && e[1] >= 16) {
			add_cpu(out, rd32(e + 4), rd32(e + 8));
		} else if (e[0] == MADT_IOAPIC && e[1] >= 12 &&
		    out->ioapic_count < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &out->ioapic[out->ioapic_count++];
			io->id = e[2];
			io->addr = rd32(e + 4);
			io->gsi_base = rd32(e + 8);
		}
	}
	if (out->cpu_count == 0)
		return "MADT lists no usable processor";
	return NULL;
}

/* FADT field offsets (ACPI 6.x, section 5.2.9). */
#define FADT_DSDT		40
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_CENTURY		108
#define FADT_X_DSDT		140
#define FADT_MIN_LEN		(FADT_PM1B_CNT + 4)

const char *
acpi_parse_fadt(const void *buf, size_t len, struct acpi_fadt_info *out)
{
	const uint8_t *p = buf;
	const char *err;
	uint32_t tlen;

	memset(out, 0, sizeof(*out));
	if ((err = acpi_check_table(buf, len, "FACP")) != NULL)
		return err;
	tlen = acpi_table_length(buf);
	if (tlen < FADT_MIN_LEN)
		return "FADT too short for its power-management ports";
	out->dsdt = rd32(p + FADT_DSDT);
	if (tlen >= FADT_X_DSDT + 8 && rd64(p + FADT_X_DSDT) != 0)
		out->dsdt = rd64(p + FADT_X_DSDT);
	out->smi_cmd = rd32(p + FADT_SMI_CMD);
	out->acpi_enable = p[FADT_ACPI_ENABLE];
	out->pm1a_cnt = rd32(p + FADT_PM1A_CNT);
	out->pm1b_cnt = rd32(p + FADT_PM1B_CNT);
	if (tlen > FADT_CENTURY)
		out->century = p[FADT_CENTURY];
	if (out->dsdt == 0 || out->pm1a_cnt == 0 || out->pm1a_cnt > 0xffff ||
	    out->pm1b_cnt > 0xffff)
		return "FADT without a DSDT or usable PM1 control ports";
	return NULL;
}

/* AML opcodes (ACPI 6.x, section 20). */
#define AML_ZERO	0x00
#define AML_ONE		0x01
#define AML_NAME	0x08
#define AML_BYTE	0x0a
#define AML_PACKAGE	0x12
#define AML_ROOT	0x5c	/* '\\' */

/* One package element at *i: Zero, One or a byte constant. -1 for anything else. */
static int
s5_element(const uint8_t *p, size_t len, size_t *i)
{
	if (*i >= len)
		return -1;
	if (p[*i] == AML_ZERO || p[*i] == AML_ONE)
		return p[(*i)++];
	if (p[*i] == AML_BYTE && *i + 1 < len) {
		*i += 2;
		return p[*i - 1];
	}
	return -1;
}

const char *
acpi_find_s5(const void *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	const uint8_t *p = aml;

	for (size_t at = 0; at + 4 <= len; at++) {
		size_t i = at + 4;
		int a, b;

		if (memcmp(p + at, "_S5_", 4) != 0)
			continue;
		/* NameOp, optionally a root prefix, then the name. */
		if (!(at >= 1 && p[at - 1] == AML_NAME) &&
		    !(at >= 2 && p[at - 1] == AML_ROOT && p[at - 2] == AML_NAME))
			continue;
		if (i >= len || p[i++] != AML_PACKAGE)
			continue;
		/* PkgLength: bits 7..6 of its first byte count the bytes after it. */
		if (i >= len)
			break;
		i += 1 + (p[i] >> 6);
		if (i >= len || p[i++] < 2)	/* NumElements */
			continue;
		if ((a = s5_element(p, len, &i)) < 0 || (b = s5_element(p, len, &i)) < 0)
			return "\\_S5 package holds something other than constants";
		if (a > 7 || b > 7)
			return "\\_S5 sleep type out of range";
		*slp_typa = (uint8_t)a;
		*slp_typb = (uint8_t)b;
		return NULL;
	}
	return "no \\_S5 object in the DSDT";
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* MCFG: a 36-byte header, 8 reserved bytes, then 16-byte entries. */
#define MCFG_FIRST	(ACPI_SDT_HEADER_LEN + 8)
#define MCFG_ENTRY	16

const char *
acpi_parse_mcfg(const void *buf, size_t len, struct acpi_mcfg_info *out)
{
	const uint8_t *p = buf;
	const char *err;
	uint32_t tlen;

	memset(out, 0, sizeof(*out));
	if ((err = acpi_check_table(buf, len, "MCFG")) != NULL)
		return err;
	tlen = acpi_table_length(p);
	if (tlen < MCFG_FIRST || (tlen - MCFG_FIRST) % MCFG_ENTRY != 0)
		return "MCFG length is not a whole number of entries";
	for (uint32_t off = MCFG_FIRST; off + MCFG_ENTRY <= tlen; off += MCFG_ENTRY) {
		const uint8_t *e = p + off;
		struct acpi_ecam *w;

		if (e[11] < e[10])
			return "MCFG entry ends before its first bus";
		if (rd64(e) == 0 || (rd64(e) & 0xfffff) != 0)
			return "MCFG entry with a bad base address";
		/* Bus 255's window must still lie below 2^52. */
		if (rd64(e) > (1ULL << 52) - (256ULL << 20))
			return "MCFG window beyond the physical address space";
		if (out->count == ACPI_MAX_MCFG)
			continue;
		w = &out->ecam[out->count++];
		w->base = rd64(e);
		w->segment = rd16(e + 8);
		w->start_bus = e[10];
		w->end_bus = e[11];
	}
	if (out->count == 0)
		return "MCFG lists no configuration window";
	return NULL;
}

/* DMAR: header, host address width, flags, 10 reserved, then structures. */
#define DMAR_FIRST	48
#define DMAR_DRHD	0
#define DMAR_RMRR	1
#define DRHD_LEN	16	/* fixed part; device scopes follow */
#define DRHD_INCLUDE_ALL 0x1

#define SCOPE_ENDPOINT	1

/*
 * Reads a DRHD's device scopes: type, length, 2 reserved, enumeration id,
 * start bus, then (device, function) pairs. An endpoint with a one-pair
 * path is kept; everything else is counted.
 */
static const char *
read_scopes(const uint8_t *e, uint32_t elen, struct acpi_drhd *d)
{
	for (uint32_t off = DRHD_LEN; off < elen; off += e[off + 1]) {
		const uint8_t *s = e + off;

		if (elen - off < 6 || s[1] < 6 || s[1] > elen - off || (s[1] & 1))
			return "DMAR device scope with a bad length";
		if (s[0] == SCOPE_ENDPOINT && s[1] == 8 && s[6] < 32 && s[7] < 8 &&
		    d->endpoints < ACPI_MAX_SCOPE)
			d->endpoint[d->endpoints++] = (uint16_t)(s[5] << 8 | s[6] << 3 | s[7]);
		else if (d->other_scopes < 255)
			d->other_scopes++;
	}
	return NULL;
}

const char *
acpi_parse_dmar(const void *buf, size_t len, struct acpi_dmar_info *out)
{
	const uint8_t *p = buf;
	const char *err;
	uint32_t tlen;

	memset(out, 0, sizeof(*out));
	if ((err = acpi_check_table(buf, len, "DMAR")) != NULL)
		return err;
	tlen = acpi_table_length(p);
	if (tlen < DMAR_FIRST)
		return "DMAR too short";
	out->host_addr_width = (uint8_t)(p[36] + 1);
	out->flags = p[37];
	if (out->host_addr_width < 32 || out->host_addr_width > 64)
		return "DMAR host address width out of range";
	for (uint32_t off = DMAR_FIRST; off < tlen; ) {
		const uint8_t *e = p + off;
		uint16_t type, elen;

		if (tlen - off < 4 || (elen = rd16(e + 2)) < 4 || elen > tlen - off)
			return "DMAR structure with a bad length";
		type = rd16(e);
		if (type == DMAR_DRHD) {
			struct acpi_drhd d;

			memset(&d, 0, sizeof(d));
			if (elen < DRHD_LEN)
				return "DMAR hardware unit too short";
			d.include_all = e[4] & DRHD_INCLUDE_ALL;
			d.segment = rd16(e + 6);
			d.base = rd64(e + 8);
			if (d.base == 0 || (d.base & 0xfff) != 0)
				return "DMAR hardware unit with a bad register address";
			if ((err = read_scopes(e, elen, &d)) != NULL)
				return err;
			if (out->drhd_count < ACPI_MAX_DRHD)
				out->drhd[out->drhd_count++] = d;
		} else if (type == DMAR_RMRR) {
			out->rmrr_count++;
		}
		off += elen;
	}
	if (out->drhd_count == 0)
		return "DMAR lists no remapping unit";
	return NULL;
}

/* TPM2: header, platform class, reserved, control area, start method, then parameters. */
#define TPM2_MIN_LEN	52

const char *
acpi_parse_tpm2(const void *buf, size_t len, struct acpi_tpm2_info *out)
{
	const uint8_t *p = buf;
	const char *err;

	memset(out, 0, sizeof(*out));
	if ((err = acpi_check_table(buf, len, "TPM2")) != NULL)
		return err;
	if (acpi_table_length(p) < TPM2_MIN_LEN)
		return "TPM2 table too short";
	out->control = rd64(p + 40);
	out->start_method = rd32(p + 48);
	switch (out->start_method) {
	case ACPI_TPM2_START_TIS:
		return NULL;
	case ACPI_TPM2_START_ACPI:
	case ACPI_TPM2_START_CRB:
	case ACPI_TPM2_START_CRB_ACPI:
		if (out->control == 0 || (out->control & 3) != 0 ||
		    out->control >= (1ULL << 52))
			return "TPM2 control area address unusable";
		return NULL;
	default:
		return "TPM2 start method unknown";
	}
}
