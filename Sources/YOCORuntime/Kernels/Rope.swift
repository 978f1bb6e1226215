import Foundation

/// Interleaved rotary embedding with the YOCO schedule f_i = θ^(-i/(d/2-1)), i = 0…d/2-1
/// (= 1/θ^linspace(0,1,d/2)). Angles pos·f_i in float64 so positions past 1M stay exact.
/// A table holds cos/sin for `count` consecutive positions starting at `start`.
final class RopeTable {
    let headDim: Int
    let freqs: [Double]                 // (headDim/2)
    private var cosTable: FloatBuffer   // (capacity, headDim/2)
    private var sinTable: FloatBuffer
    private var capacity: Int
    private(set) var start = -1
    private(set) var count = 0

    init(headDim: Int, theta: Double, capacity: Int) {
        self.headDim = headDim
        let half = headDim / 2
        freqs = (0..<half).map { i in half > 1 ? pow(theta, -Double(i) / Double(half - 1)) : 1 }
        self.capacity = max(capacity, 1)
        cosTable = FloatBuffer(self.capacity * half)
        sinTable = FloatBuffer(self.capacity * half)
    }

    /// Fills the table for positions start ..< start+count (no-op if already there).
    func prepare(start: Int, count: Int) {
        if start == self.start && count <= self.count { return }
        let half = headDim / 2
        if count > capacity {
            capacity = count
            cosTable = FloatBuffer(capacity * half)
            sinTable = FloatBuffer(capacity * half)
        }
        for t in 0..<count {
            let pos = Double(start + t)
            let c = cosTable.ptr + t * half, s = sinTable.ptr + t * half
            for i in 0..<half {
                let angle = pos * freqs[i]
                c[i] = Float(cos(angle)); s[i] = Float(sin(angle))
            }
        }
        self.start = start
        self.count = count
    }

    /// Rotates `heads` heads of each of `rows` rows of x (row r at position start + firstRow + r).
    func apply(_ x: UnsafeMutablePointer<Float>, ld: Int, rows: Int, heads: Int, firstRow: Int = 0) {
        let half = headDim / 2
        precondition(firstRow + rows <= count, "rope table not prepared for these rows")
        for r in 0..<rows {
            let c = cosTable.ptr + (firstRow + r) * half, s = sinTable.ptr + (firstRow + r) * half
            for h in 0..<heads {
                let v = x + r * ld + h * headDim
                for i in 0..<half {
                    let a = v[2 * i], b = v[2 * i + 1]
                    v[2 * i] = a * c[i] - b * s[i]
                    v[2 * i + 1] = a * s[i] + b * c[i]
                }
            }
        }
    }
}
