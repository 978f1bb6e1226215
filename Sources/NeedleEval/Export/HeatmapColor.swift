import Foundation

/// The heatmap colour scales, each a piecewise-linear ramp in RGB through evenly spaced anchors.
///
/// - `redYellowGreen` (ColorBrewer RdYlGn): `export heatmap` and the terminal; red (0) through
///   yellow (0.5) to green (1). Kept for those outputs, whose colours are documented and tested.
/// - `cividis` (after matplotlib's cividis): the report's accuracy scale, dark blue (0) to yellow
///   (1). Its luminance rises monotonically, so it reads the same printed in grey, and it avoids the
///   red/green contrast that the commonest colour-vision deficiencies lose.
/// - `purpleOrange` (ColorBrewer PuOr, which ColorBrewer marks colour-blind safe): the report's
///   differences, orange (-1: worse than the baseline) through near-white (0) to purple (+1: better).
///   A diverging scale is symmetric in luminance, so its sign is also printed in every cell.
enum HeatmapColor {
    struct RGB: Equatable { var r: Int; var g: Int; var b: Int }

    enum Scale: Sendable {
        case redYellowGreen, cividis, purpleOrange

        fileprivate var anchors: [RGB] {
            switch self {
            case .redYellowGreen:
                return [RGB(r: 215, g: 48, b: 39), RGB(r: 254, g: 224, b: 139), RGB(r: 26, g: 152, b: 80)]
            case .cividis:
                return [RGB(r: 0, g: 32, b: 77), RGB(r: 65, g: 77, b: 107), RGB(r: 124, g: 123, b: 120),
                        RGB(r: 188, g: 175, b: 111), RGB(r: 254, g: 232, b: 56)]
            case .purpleOrange:
                return [RGB(r: 230, g: 97, b: 1), RGB(r: 253, g: 184, b: 99), RGB(r: 247, g: 247, b: 247),
                        RGB(r: 178, g: 171, b: 210), RGB(r: 94, g: 60, b: 153)]
            }
        }

        /// The domain the scale spans: accuracy in [0, 1], a difference of accuracies in [-1, 1].
        var domain: ClosedRange<Double> { self == .purpleOrange ? -1...1 : 0...1 }
    }

    /// The export scale's colour for an accuracy.
    static func rgb(_ accuracy: Double) -> RGB { rgb(accuracy, scale: .redYellowGreen) }

    static func hex(_ accuracy: Double) -> String { hex(accuracy, scale: .redYellowGreen) }

    /// `value`'s colour on `scale`; values outside the domain (and NaN) are clamped to its ends.
    static func rgb(_ value: Double, scale: Scale) -> RGB {
        let domain = scale.domain
        let clamped = min(domain.upperBound, max(domain.lowerBound, value.isFinite ? value : domain.lowerBound))
        let anchors = scale.anchors
        let position = (clamped - domain.lowerBound) / (domain.upperBound - domain.lowerBound) * Double(anchors.count - 1)
        let segment = min(Int(position), anchors.count - 2)
        return mix(anchors[segment], anchors[segment + 1], position - Double(segment))
    }

    static func hex(_ value: Double, scale: Scale) -> String { hex(rgb(value, scale: scale)) }

    static func hex(_ c: RGB) -> String {
        "#" + [c.r, c.g, c.b].map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// Relative luminance (WCAG 2): how light a colour looks, 0 (black) to 1 (white).
    static func luminance(_ c: RGB) -> Double {
        func linear(_ byte: Int) -> Double {
            let v = Double(byte) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
    }

    /// Black or white, whichever contrasts more with `background` (they tie near luminance 0.18).
    static func textHex(on background: RGB) -> String {
        luminance(background) < 0.179 ? "#ffffff" : "#000000"
    }

    private static func mix(_ from: RGB, _ to: RGB, _ t: Double) -> RGB {
        func lerp(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGB(r: lerp(from.r, to.r), g: lerp(from.g, to.g), b: lerp(from.b, to.b))
    }
}
