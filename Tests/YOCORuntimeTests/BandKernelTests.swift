import NeedleSupport
import XCTest
@testable import YOCORuntime

/// The register-blocked kernels of prefill's sliding-window band (scores from transposed keys,
/// P·V, the band itself) against float64 sums, on shapes that hit every remainder: rows not a
/// multiple of the 4- and 3-row blocks, key counts around the 16-key block, head dims other than 32.
final class BandKernelTests: XCTestCase {
    private func random(_ count: Int, _ rng: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    func testTransposedScoresAndPVMatchFloat64Sums() {
        var rng = SeededRandom(seed: 7)
        for hd in [32, 8, 12] {
            for rows in [1, 3, 4, 5, 7, 13] {
                for n in [1, 15, 16, 17, 100] {
                    let ldq = hd + 3, ldk = hd + 5   // strides wider than a row, as in the KV cache
                    let q = random(rows * ldq, &rng), k = random(n * ldk, &rng), v = random(n * ldk, &rng)
                    var kt = [Float](repeating: .nan, count: transposedKeysCount(n: n, hd: hd))
                    var s = [Float](repeating: .nan, count: rows * n)
                    let np = paddedColumns(n)
                    transposeKeys(n: n, np: np, hd: hd, k: k, ldk: ldk, kt: &kt)
                    transposedScores(rows: rows, n: n, ldkt: np, hd: hd, scale: 0.5, q: q, ldq: ldq, kt: kt, s: &s)
                    // P with exact zeros (most of a peaked softmax) to take the skipping branches
                    let p = (0..<(rows * n)).map { i in i % 3 == 1 ? 0 : Float(i % 7) / 7 }
                    var t = [Float](repeating: .nan, count: rows * hd)
                    tilePV(rows: rows, n: n, hd: hd, p: p, v: v, ldv: ldk, t: &t)
                    for r in 0..<rows {
                        for j in 0..<n {
                            let want = 0.5 * (0..<hd).reduce(0.0) { $0 + Double(q[r * ldq + $1]) * Double(k[j * ldk + $1]) }
                            XCTAssertEqual(Double(s[r * n + j]), want, accuracy: 1e-5, "scores hd \(hd) rows \(rows) n \(n) at \(r),\(j)")
                        }
                        for c in 0..<hd {
                            let want = (0..<n).reduce(0.0) { $0 + Double(p[r * n + $1]) * Double(v[$1 * ldk + c]) }
                            XCTAssertEqual(Double(t[r * hd + c]), want, accuracy: 1e-4, "P·V hd \(hd) rows \(rows) n \(n) at \(r),\(c)")
                        }
                    }
                }
            }
        }
    }

    func testSlidingWindowBandMatchesFloat64Softmax() {
        var rng = SeededRandom(seed: 11)
        // (window, rows, keys before the first query): the shipped 128 after a full carried window,
        // a first chunk (no keys before position 0), windows shorter than a 12-row group.
        for (window, rows, before, hd) in [(128, 128, 127, 32), (128, 40, 0, 32), (5, 30, 4, 8), (16, 13, 15, 12)] {
            let firstQuery = 1000, firstKey = firstQuery - before, n = before + rows
            let ldq = 3 * hd, ldk = 2 * hd
            let q = random(rows * ldq, &rng), k = random(n * ldk, &rng), v = random(n * ldk, &rng)
            var out = [Float](repeating: .nan, count: rows * hd)
            var scratch = [Float](repeating: .nan, count: attendBandScratch(n: n, hd: hd))
            var t = [Float](repeating: .nan, count: bandRows * hd)
            // A first chunk starts at position 0: its band is clipped there.
            let fq = before == 0 ? 0 : firstQuery, fk = before == 0 ? 0 : firstKey
            attendBand(rows: rows, q: q, ldq: ldq, out: &out, ldo: hd, firstQuery: fq, k: k, ldk: ldk, v: v, ldv: ldk,
                       firstKey: fk, n: n, window: window, hd: hd, scratch: &scratch, t: &t)
            for r in 0..<rows {
                let pos = fq + r, cols = (max(0, pos - (window - 1)) - fk)...(pos - fk)
                let logits = cols.map { j in (0..<hd).reduce(0.0) { $0 + Double(q[r * ldq + $1]) * Double(k[j * ldk + $1]) } / Double(hd).squareRoot() }
                let mx = logits.max()!, w = logits.map { exp($0 - mx) }, total = w.reduce(0, +)
                for c in 0..<hd {
                    let want = zip(cols, w).reduce(0.0) { $0 + $1.1 * Double(v[$1.0 * ldk + c]) } / total
                    XCTAssertEqual(Double(out[r * hd + c]), want, accuracy: 1e-5, "window \(window) row \(r) col \(c)")
                }
            }
        }
    }
}
