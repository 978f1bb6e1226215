/// The heatmap colour scale: red (0) through yellow (0.5) to green (1), as in ColorBrewer RdYlGn.
enum HeatmapColor {
    struct RGB { var r: Int; var g: Int; var b: Int }

    private static let red = RGB(r: 215, g: 48, b: 39)
    private static let yellow = RGB(r: 254, g: 224, b: 139)
    private static let green = RGB(r: 26, g: 152, b: 80)

    static func rgb(_ accuracy: Double) -> RGB {
        let a = min(1, max(0, accuracy.isFinite ? accuracy : 0))
        return a < 0.5 ? mix(red, yellow, a * 2) : mix(yellow, green, (a - 0.5) * 2)
    }

    static func hex(_ accuracy: Double) -> String {
        let c = rgb(accuracy)
        return "#" + [c.r, c.g, c.b].map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    private static func mix(_ from: RGB, _ to: RGB, _ t: Double) -> RGB {
        func lerp(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGB(r: lerp(from.r, to.r), g: lerp(from.g, to.g), b: lerp(from.b, to.b))
    }
}
