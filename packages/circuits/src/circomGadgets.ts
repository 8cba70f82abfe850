/**
 * The circom templates every generated model circuit includes. Named with a
 * `Tender` prefix so they never clash with circomlib's.
 *
 * - `TenderBits(n)`: decomposes `in` into n bits (n constraints after --O2);
 *   the witness fails when `in` is not in [0, 2^n).
 * - `TenderReluShift(n, s)`: for z in [-2^(n-1), 2^(n-1)), out = z ≥ 0 ?
 *   floor(z / 2^s) : 0. Decomposes z + 2^(n-1) into n bits; the top bit is
 *   the sign, bits s..n-2 are the shifted value (n + 1 constraints).
 * - `TenderRescale(n, s)`: for z in [0, 2^n), out = floor(z / 2^s) (n constraints).
 * - `TenderMax(n)`: out = max(a, b) for |a - b| < 2^n: a boolean s,
 *   out = b + s·(a - b) (so out is a or b) and 2·out - a - b = |a - b|
 *   decomposed into n bits (so out is the larger one); n + 2 constraints.
 * - `tenderArgmax(n, v)`: witness-only helper (circom compares field
 *   elements as signed values), lowest index on a tie.
 */
export const CIRCOM_GADGETS = `
template TenderBits(n) {
    signal input in;
    signal output out[n];
    var acc = 0;
    var e = 1;
    for (var k = 0; k < n; k++) {
        out[k] <-- (in >> k) & 1;
        out[k] * (out[k] - 1) === 0;
        acc += out[k] * e;
        e = e + e;
    }
    acc === in;
}

template TenderReluShift(n, s) {
    signal input in;
    signal output out;
    component b = TenderBits(n);
    b.in <== in + 2 ** (n - 1);
    var q = 0;
    var e = 1;
    for (var k = s; k < n - 1; k++) {
        q += b.out[k] * e;
        e = e + e;
    }
    out <== b.out[n - 1] * q;
}

template TenderRescale(n, s) {
    signal input in;
    signal output out;
    component b = TenderBits(n);
    b.in <== in;
    var q = 0;
    var e = 1;
    for (var k = s; k < n; k++) {
        q += b.out[k] * e;
        e = e + e;
    }
    out <== q;
}

template TenderMax(n) {
    signal input a;
    signal input b;
    signal output out;
    signal s;
    s <-- a > b ? 1 : 0;
    s * (s - 1) === 0;
    out <== b + s * (a - b);
    component d = TenderBits(n);
    d.in <== 2 * out - a - b;
}

function tenderArgmax(n, v) {
    var best = 0;
    for (var k = 1; k < n; k++) {
        if (v[k] > v[best]) {
            best = k;
        }
    }
    return best;
}
`;
