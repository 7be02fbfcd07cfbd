// ML-KEM-1024 oracle: @noble/post-quantum's implementation, run on the same
// inputs as tests/unit/mlkem_vectors_main.c. Reads lines
// "SEED64 M32 FLIPBIT COEF VALUE" (hex, hex, decimal...) and prints one line
// of results per input in the format that driver prints.
import { createInterface } from 'node:readline';
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';

const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));

// Set 12-bit coefficient `coef` of the encoded t^ to `value`.
function setCoef(ek, coef, value) {
	const o = 3 * (coef >> 1);
	if ((coef & 1) === 0) {
		ek[o] = value & 0xff;
		ek[o + 1] = (ek[o + 1] & 0xf0) | (value >> 8);
	} else {
		ek[o + 1] = (ek[o + 1] & 0x0f) | ((value & 0x0f) << 4);
		ek[o + 2] = value >> 4;
	}
}

// Run f; "reject" if noble throws (a failed FIPS 203 input check).
function attempt(f) {
	try {
		return f();
	} catch {
		return 'reject';
	}
}

function vector(line) {
	const [seedHex, mHex, flipStr, coefStr, valueStr] = line.trim().split(/\s+/);
	const seed = unhex(seedHex), m = unhex(mHex);
	const flip = Number(flipStr), coef = Number(coefStr), value = Number(valueStr);

	const { publicKey: pk, secretKey: sk } = ml_kem1024.keygen(seed);
	const { cipherText: ct, sharedSecret: ss } = ml_kem1024.encapsulate(pk, m);
	const dec = ml_kem1024.decapsulate(ct, sk);

	const ct2 = Uint8Array.from(ct);
	ct2[flip >> 3] ^= 1 << (flip & 7);
	const rej = ml_kem1024.decapsulate(ct2, sk);

	const pk2 = Uint8Array.from(pk);
	setCoef(pk2, coef, value);
	const badek = attempt(() => {
		const r = ml_kem1024.encapsulate(pk2, m);
		return 'accept:' + hex(r.cipherText) + ':' + hex(r.sharedSecret);
	});

	// Corrupt one byte of H(ek) inside dk (offset 768k + 32 = 3104).
	const sk2 = Uint8Array.from(sk);
	sk2[3104 + (coef % 32)] ^= 0x01;
	const baddk = attempt(() => 'accept:' + hex(ml_kem1024.decapsulate(ct, sk2)));

	return `pk=${hex(pk)} sk=${hex(sk)} ct=${hex(ct)} ss=${hex(ss)} ` +
	    `dec=${hex(dec)} rej=${hex(rej)} badek=${badek} baddk=${baddk}`;
}

const out = [];
for await (const line of createInterface({ input: process.stdin })) {
	if (line.trim() !== '')
		out.push(vector(line));
}
process.stdout.write(out.map((l) => l + '\n').join(''));
